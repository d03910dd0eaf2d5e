"""A digest run: build each due subscriber's digest and send it, exactly once.

- One run at a time (`locking`); a run killed halfway is resumed by the next one with the same cutoff.
- Several workers send one run together: the run is cut into batches of subscribers, each claimed by
  one worker under a lease it renews (`actions.do_claim_batch`); a dead worker's batch is claimed again
  when its lease runs out (docs/decisions/0019).
- Each message is recorded as sent just before its final dot (`mailer`), together with the subscriber's
  new cursor, and the record is unique per run and subscriber: a resumed run skips whoever has one.
- One connection for the whole run (reopened if the server drops it), a messages-per-second pace, and
  retries with doubling waits on 4xx answers while other mail goes on. A 5xx answer bounces the address.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import secrets
import smtplib
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.mail import get_connection

from newsdesk.core import metrics
from newsdesk.core.clock import Clock, utcnow
from newsdesk.core.errors import NewsdeskError

from . import actions, wire
from .conf import conf
from .digest import Digest, select
from .handover import Handover, do_record_handover
from .locking import digest_run_lock
from .models import DigestBatch, DigestRun, Send
from .render import DigestEmail, DigestRenderer, Recipient, digest_message, digest_message_id
from .stories import Member, member_pages, members, names, story_index
from .wire import WireMessage

log = logging.getLogger(__name__)

# Seconds a sender waits for another one that is starting (or cutting up) the run this instant.
START_WAIT = 5.0
# Seconds between looks at batches other senders hold, while a command waits for them to finish.
POLL = 0.2


class MailServerError(NewsdeskError):
    """The mail server cannot be used at all (unreachable, refuses our login or our sender)."""


class _AlreadySent(Exception):
    pass


@dataclass
class Report:
    run_id: int | None = None
    resumed: bool = False
    dry_run: bool = False
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    bounced: int = 0

    def counts(self) -> dict[str, int]:
        return {"sent": self.sent, "skipped": self.skipped, "failed": self.failed, "bounced": self.bounced}


class Pacer:
    """At most `rate` messages per second (0: no limit), without bursts after a pause."""

    def __init__(self, rate: float, monotonic: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self.gap = 1.0 / rate if rate > 0 else 0.0
        self.monotonic = monotonic
        self.sleep = sleep
        self.next_slot = 0.0

    def wait(self) -> None:
        if not self.gap:
            return
        now = self.monotonic()
        if self.next_slot > now:
            self.sleep(self.next_slot - now)
            now = self.next_slot
        self.next_slot = now + self.gap


@dataclass(order=True)
class _Retry:
    due: float
    order: int
    member: Member = field(compare=False)
    digest: Digest = field(compare=False)
    attempt: int = field(compare=False)


def _smtp_code(exc: Exception, address: str) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = exc.recipients.get(address) or next(iter(exc.recipients.values()), None)
        return refused[0] if refused else None
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code
    return None


def _text(raw: bytes | str) -> str:
    return raw.decode(errors="replace") if isinstance(raw, bytes) else raw


def _describe(exc: Exception, address: str) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, raw = exc.recipients.get(address) or next(iter(exc.recipients.values()))
        return f"{code} {_text(raw)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"


class DigestSender:
    def __init__(
        self,
        *,
        clock: Clock = utcnow,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        on_progress: Callable[[int], None] | None = None,
        on_total: Callable[[int], None] | None = None,
    ) -> None:
        settings = conf()
        self.clock = clock
        self.monotonic = monotonic
        self.sleep = sleep
        self.pacer = Pacer(settings.rate, monotonic, sleep)
        self.retries = max(1, settings.retries)
        self.backoff = settings.retry_backoff
        self.limit = settings.max_items
        self.on_progress = on_progress or (lambda n: None)
        self.on_total = on_total or (lambda n: None)
        self.total = 0
        self.backend = None
        self.renderer = DigestRenderer()
        self.wired: wire.Wired | None = None  # when the backend takes prebuilt bytes
        self._retry: list[_Retry] = []
        self._order = itertools.count()
        self.claim_batch = settings.claim_batch
        self.lease = timedelta(seconds=settings.claim_lease)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"

    # ---- the run ----------------------------------------------------------------------------

    def run(self, *, force: bool = False, dry_run: bool = False, join: bool = False) -> Report:
        """Send the due digests (or finish the open run), sharing the work with any other sender.

        `join`: a worker's task. It never starts a run that has nobody to send to, and it leaves
        batches held by a live worker to that worker instead of waiting for them.
        """
        if dry_run:
            with digest_run_lock():
                return self._dry_run(force)
        with digest_run_lock(wait=START_WAIT):
            run, resumed = self._start(force, join)
        if run is None:
            return Report()
        return self._send_run(run, resumed, wait_for_others=not join)

    def _start(self, force: bool, join: bool) -> tuple[DigestRun | None, bool]:
        """The open run, or a new one; cut into batches the first time. Called under the start lock."""
        now = self.clock()
        run = DigestRun.objects.filter(finished_at__isnull=True).order_by("id").first()
        resumed = run is not None
        if run is None:
            if join and not members(DigestRun(cutoff=now, forced=force)).exists():
                return None, False
            run = actions.do_start_run(now, force)
        actions.do_plan_batches(run, self.claim_batch)
        return run, resumed

    def _prepare(self, run: DigestRun) -> None:
        self.run_obj = run
        self.total = members(run).count()
        self.on_total(self.total)
        self.index = story_index(run)
        self.topic_names, self.source_names = names()

    def _dry_run(self, force: bool) -> Report:
        run = DigestRun.objects.filter(finished_at__isnull=True).order_by("id").first()
        report = Report(dry_run=True, resumed=run is not None)
        if run is None:
            run = DigestRun(cutoff=self.clock(), forced=force)  # never saved: a dry run writes nothing
        report.run_id = run.pk
        self._prepare(run)
        for page in member_pages(run):
            for member in page:
                digest = select(self.index, member.prefs(run.cutoff), limit=self.limit)
                if digest.empty:
                    report.skipped += 1
                else:
                    self._message(member, digest)  # rendered, to prove it renders; not sent
                    report.sent += 1
                self.on_progress(1)
        return report

    def _send_run(self, run: DigestRun, resumed: bool, *, wait_for_others: bool) -> Report:
        report = Report(run_id=run.pk, resumed=resumed)
        self._prepare(run)
        backend = self.backend = get_connection(fail_silently=False)
        if getattr(backend, "sends_wire", False):
            self.wired = wire.Wired(self.renderer)
        self._open()
        try:
            while True:
                batch = actions.do_claim_batch(run.pk, self.owner, self.clock(), self.lease)
                if batch is None:
                    # Every batch is done or held. Batches held by a live worker are left to it when we
                    # are one worker among many; a command waits, to take over any whose lease runs out.
                    if not wait_for_others or not run.batches.filter(done=False).exists():
                        break
                    # A short wait: the run ends soon after the others' last batch, not up to a second.
                    self.sleep(min(POLL, self.lease.total_seconds() / 4))
                    continue
                self._send_batch(run, batch, report)
            self._retry_due(report, wait=True)
        finally:
            backend.close()
        actions.do_add_run_counts(run.pk, report.counts())
        actions.do_finish_run_when_done(run.pk, self.clock())
        return report

    def _send_batch(self, run: DigestRun, batch: DigestBatch, report: Report) -> None:
        renew_at = self.monotonic() + self.lease.total_seconds() / 3
        for page in member_pages(run, first=batch.first_id, last=batch.last_id):
            skipped = []
            for member in page:
                if self.monotonic() >= renew_at:
                    if not actions.do_renew_batch(batch.pk, self.owner, self.clock() + self.lease):
                        log.warning("Lost the claim on %s (its lease ran out); another worker has it.", batch)
                        return
                    renew_at = self.monotonic() + self.lease.total_seconds() / 3
                digest = select(self.index, member.prefs(run.cutoff), limit=self.limit)
                if digest.empty:
                    skipped.append((member.id, member.frequency, member.next_at))
                    report.skipped += 1
                else:
                    self._deliver(member, digest, 1, report)
                self.on_progress(1)
                self._retry_due(report, wait=False)
            if skipped:
                actions.do_advance_skipped(run.cutoff, skipped)
        actions.do_finish_batch(batch.pk, self.owner)

    # ---- one message ------------------------------------------------------------------------

    def _recipient(self, member: Member) -> Recipient:
        from .links import manage_urls

        return Recipient(
            email=member.email,
            frequency=member.frequency,
            links=manage_urls(member.key, member.manage_key),
            topic_names=tuple(sorted(self.topic_names[t] for t in member.topic_ids if t in self.topic_names)),
            source_names=tuple(
                sorted(self.source_names[s] for s in member.source_ids if s in self.source_names)
            ),
        )

    def _message(self, member: Member, digest: Digest) -> tuple[DigestEmail | WireMessage, str]:
        message_id = digest_message_id(self.run_obj.pk or 0, member.id)
        recipient = self._recipient(member)
        if self.wired is not None:
            built = self.wired.message(digest, recipient, message_id)
            if built is not None:
                return built, message_id
        message = digest_message(digest, recipient, message_id=message_id, renderer=self.renderer)
        return message, message_id

    def _open(self) -> None:
        assert self.backend is not None
        try:
            self.backend.open()
        except smtplib.SMTPException as exc:
            raise MailServerError(f"The mail server refused the connection: {_describe(exc, '')}") from None
        except OSError as exc:
            where = f"{getattr(self.backend, 'host', '?')}:{getattr(self.backend, 'port', '?')}"
            raise MailServerError(
                f"Cannot reach the mail server at {where} ({exc.strerror or exc})."
            ) from None

    def _deliver(self, member: Member, digest: Digest, attempt: int, report: Report) -> None:
        run = self.run_obj
        message, message_id = self._message(member, digest)
        record = Handover(
            run_id=run.pk,
            cutoff=run.cutoff,
            subscriber_id=member.id,
            frequency=member.frequency,
            previous_cursor=member.cursor,
            previous_next=member.next_at,
            items=tuple(story.id for story in digest.stories),
            message_id=message_id,
            attempt=attempt,
        )
        handed = False

        def handover() -> None:
            nonlocal handed
            if not do_record_handover(record):
                raise _AlreadySent()
            handed = True

        message.handover = handover
        self.pacer.wait()
        try:
            if not getattr(self.backend, "calls_handover", False):
                handover()
            assert self.backend is not None
            self.backend.send_messages([message])
        except _AlreadySent:
            # Another process recorded it first; the body we wrote has no final dot, so drop the session.
            self._reconnect()
            return
        except smtplib.SMTPSenderRefused as exc:
            if 400 <= exc.smtp_code < 500:
                self._defer(record, member, digest, attempt, _describe(exc, member.email), handed, report)
                return
            raise MailServerError(
                f"The mail server refused our sender address: {_describe(exc, '')}"
            ) from None
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPResponseException) as exc:
            code = _smtp_code(exc, member.email) or 0
            if 500 <= code < 600:
                actions.do_record_refusal(
                    record, Send.State.BOUNCED, _describe(exc, member.email), self.clock()
                )
                report.bounced += 1
                metrics.mail_sent.labels(result="bounced").inc()
                log.info("Digest to subscriber %s bounced: %s", member.id, _describe(exc, member.email))
            else:
                self._defer(record, member, digest, attempt, _describe(exc, member.email), handed, report)
            return
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._defer(record, member, digest, attempt, _describe(exc, member.email), handed, report)
            self._reconnect()
            return
        report.sent += 1
        metrics.mail_sent.labels(result="sent").inc()

    def _defer(
        self, record: Handover, member: Member, digest: Digest, attempt: int, error: str,
        handed: bool, report: Report,
    ) -> None:  # fmt: skip
        last = attempt >= self.retries
        if handed or last:
            state = Send.State.FAILED if last else Send.State.DEFERRED
            actions.do_record_refusal(record, state, error, self.clock())
        metrics.mail_sent.labels(result="failed" if last else "deferred").inc()
        if last:
            report.failed += 1
            log.warning("Digest to subscriber %s failed after %d tries: %s", member.id, attempt, error)
            return
        due = self.monotonic() + self.backoff * (2 ** (attempt - 1))
        heapq.heappush(self._retry, _Retry(due, next(self._order), member, digest, attempt + 1))

    def _retry_due(self, report: Report, *, wait: bool) -> None:
        while self._retry:
            head = self._retry[0]
            delay = head.due - self.monotonic()
            if delay > 0:
                if not wait:
                    return
                self.sleep(delay)
            heapq.heappop(self._retry)
            self._deliver(head.member, head.digest, head.attempt, report)

    def _reconnect(self) -> None:
        """Drop the session without QUIT (it may be stuck inside DATA) and open a new one."""
        assert self.backend is not None
        session = getattr(self.backend, "connection", None)
        if session is not None and hasattr(session, "close"):
            session.close()
            self.backend.connection = None
        self._open()


def send_due_digests(
    *, force: bool = False, dry_run: bool = False, join: bool = False, **kwargs: Any
) -> Report:
    return DigestSender(**kwargs).run(force=force, dry_run=dry_run, join=join)
