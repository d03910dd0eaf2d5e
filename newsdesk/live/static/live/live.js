/* Newsdesk Live News: new headlines arrive in the Live News column by themselves.
 *
 * It enhances the server-rendered column (web/partials/live_news.html):
 *   <section class="live-news" data-stream-url="/live/stream?topic=…" data-live-cursor="42">
 *     <ol class="live-news__list" aria-live="polite"><li data-article-id="…">…</li>…</ol>
 * with an EventSource on data-stream-url. A new headline is prepended with a short highlight, the
 * list keeps its length, the page never jumps under the reader, and while the tab is hidden its
 * title counts the new headlines. Without this script the column is a plain list that a reload
 * refreshes. No framework, no inline script (CSP), text only through textContent.
 */
(function () {
  "use strict";

  if (!window.EventSource || !document.querySelector) { return; }

  var MIN_ITEMS = 10;
  var LANG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;
  var baseTitle = null;
  var unseen = 0;

  function countUnseen() {
    if (!document.hidden) { return; }
    if (baseTitle === null) { baseTitle = document.title; }
    unseen += 1;
    document.title = "(" + unseen + ") " + baseTitle;
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && baseTitle !== null) {
      document.title = baseTitle;
      baseTitle = null;
      unseen = 0;
    }
  });

  function withParam(url, name, value) {
    return url + (url.indexOf("?") === -1 ? "?" : "&") + name + "=" + encodeURIComponent(value);
  }

  function absoluteDate(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) { return ""; }
    try {
      return date.toLocaleString(document.documentElement.lang || undefined, { dateStyle: "long", timeStyle: "short" });
    } catch (e) {
      return date.toString();
    }
  }

  function buildItem(story) {
    var item = document.createElement("li");
    item.className = "live-news__item live-news__item--new";
    item.setAttribute("data-article-id", String(story.id));
    if (typeof story.story === "number") { item.setAttribute("data-story-id", String(story.story)); }

    var link = document.createElement("a");
    link.className = "live-news__link";
    link.href = story.path;
    link.dir = "auto";
    if (story.language && LANG.test(story.language)) { link.lang = story.language; }
    link.textContent = story.title;

    var meta = document.createElement("span");
    meta.className = "live-news__meta";
    var time = document.createElement("time");
    time.className = "live-news__time";
    time.setAttribute("datetime", story.published);
    time.setAttribute("data-relative", "");
    time.title = absoluteDate(story.published);
    time.textContent = time.title;
    var source = document.createElement("span");
    source.className = "live-news__source";
    source.textContent = story.source;
    meta.appendChild(time);
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(source);
    var count = document.createElement("a");
    count.className = "live-news__sources";
    if (typeof story.story === "number") { count.href = "/story/" + story.story + "/"; }
    setCount(count, story.sources);
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(count);

    item.appendChild(link);
    item.appendChild(document.createTextNode("\n"));
    item.appendChild(meta);
    item.addEventListener("animationend", function () { item.classList.remove("live-news__item--new"); });
    return item;
  }

  /* "N sources" on a headline whose story more than one outlet covers; nothing for one. */
  function setCount(node, sources) {
    var n = typeof sources === "number" ? sources : 0;
    node.textContent = n > 1 ? n + " sources" : "";
    node.hidden = n <= 1;
    node.setAttribute("data-sources", String(n));
  }

  /* Where the reader is looking, if the new headline goes in above it: the first list item still on
   * screen (or the list's end when the whole list is above the screen). Null when the top of the
   * list is on screen or below it: then the reader sees the headline arrive, and nothing above them moves. */
  function placeMark(list) {
    var box = list.getBoundingClientRect();
    if (box.top >= 0) { return null; }
    var items = list.children;
    for (var i = 0; i < items.length - 1; i++) {
      var rect = items[i].getBoundingClientRect();
      if (rect.bottom > 0) { return { node: items[i], top: rect.top }; }
    }
    return { node: null, top: box.bottom };
  }

  function keepPlace(list, mark) {
    if (!mark) { return; }
    var node = mark.node;
    var now = node && node.parentNode === list ? node.getBoundingClientRect().top : list.getBoundingClientRect().bottom;
    var shift = now - mark.top;
    // Browsers with scroll anchoring have already kept the place; then the shift is zero.
    if (Math.abs(shift) >= 1) { window.scrollBy(0, shift); }
  }

  function LiveColumn(section) {
    this.section = section;
    this.list = section.querySelector(".live-news__list");
    this.url = section.getAttribute("data-stream-url");
    this.cursor = section.getAttribute("data-live-cursor") || "";
    var count = this.list ? this.list.querySelectorAll("[data-article-id]").length : 0;
    this.limit = Math.max(count, MIN_ITEMS);
    this.source = null;
    this.retryDelay = 15000;
  }

  LiveColumn.prototype.connect = function () {
    var self = this;
    var url = this.cursor ? withParam(this.url, "since", this.cursor) : this.url;
    var source = new EventSource(url);
    this.source = source;
    source.onmessage = function (event) {
      if (event.lastEventId) { self.cursor = event.lastEventId; }
      var story;
      try { story = JSON.parse(event.data); } catch (e) { return; }
      self.add(story);
    };
    // Later coverage of a story already announced: update its count in place, no second headline.
    source.addEventListener("story", function (event) {
      if (event.lastEventId) { self.cursor = event.lastEventId; }
      var update;
      try { update = JSON.parse(event.data); } catch (e) { return; }
      self.update(update);
    });
    source.onerror = function () {
      // EventSource retries by itself after a network error; after a refusal (503 when the server
      // is full, or any status but 200) it gives up, so try again later, from where we were.
      if (source.readyState === EventSource.CLOSED && self.source === source) {
        self.source = null;
        var delay = self.retryDelay * (0.75 + Math.random() / 2);
        self.retryDelay = Math.min(self.retryDelay * 2, 300000);
        window.setTimeout(function () { if (!self.source) { self.connect(); } }, delay);
      }
    };
    source.onopen = function () { self.retryDelay = 15000; };
  };

  LiveColumn.prototype.close = function () {
    if (this.source) { this.source.close(); this.source = null; }
  };

  LiveColumn.prototype.add = function (story) {
    var list = this.list;
    if (!story || typeof story.id !== "number" || typeof story.title !== "string") { return; }
    if (typeof story.path !== "string" || story.path.charAt(0) !== "/" || story.path.charAt(1) === "/") { return; }
    if (list.querySelector('[data-article-id="' + story.id + '"]')) { return; }

    var mark = placeMark(list);
    var empty = list.querySelector(".live-news__empty");
    if (empty) { empty.parentNode.removeChild(empty); }
    var item = buildItem(story);
    list.insertBefore(item, list.firstChild);
    var items = list.querySelectorAll("[data-article-id]");
    for (var i = items.length - 1; i >= this.limit; i--) { list.removeChild(items[i]); }
    keepPlace(list, mark);

    if (window.newsdesk && window.newsdesk.refreshTimes) { window.newsdesk.refreshTimes(item); }
    countUnseen();
  };

  LiveColumn.prototype.update = function (update) {
    if (!update || typeof update.story !== "number" || !this.list) { return; }
    var item = this.list.querySelector('[data-story-id="' + update.story + '"]');
    if (!item) { return; }
    var count = item.querySelector(".live-news__sources");
    if (count) { setCount(count, update.sources); }
    item.setAttribute("data-updates", String(Number(item.getAttribute("data-updates") || "0") + 1));
  };

  function start() {
    var sections = document.querySelectorAll("section.live-news[data-stream-url]");
    var columns = [];
    for (var i = 0; i < sections.length; i++) {
      var column = new LiveColumn(sections[i]);
      if (column.list && column.url) {
        column.connect();
        columns.push(column);
      }
    }
    // An open stream keeps a page out of the back/forward cache: close it when the page is put
    // away, and reopen it, from where it was, when the page comes back.
    window.addEventListener("pagehide", function () {
      for (var j = 0; j < columns.length; j++) { columns[j].close(); }
    });
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) { return; }
      for (var j = 0; j < columns.length; j++) { if (!columns[j].source) { columns[j].connect(); } }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
