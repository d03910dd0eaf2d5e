/* Newsdesk: small enhancements. The pages work without this file. */
(function () {
  "use strict";

  // Keep "5 minutes ago" true on a page left open, in the page's language.
  var lang = document.documentElement.lang || "en";
  var format = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(lang, { numeric: "auto" }) : null;
  var steps = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];

  function relative(date) {
    var seconds = (Date.now() - date.getTime()) / 1000;
    if (seconds < 60) { return format.format(0, "second"); }
    for (var i = 0; i < steps.length; i++) {
      if (seconds >= steps[i][1]) { return format.format(-Math.floor(seconds / steps[i][1]), steps[i][0]); }
    }
    return format.format(0, "second");
  }

  function refreshTimes(root) {
    if (!format) { return; }
    var times = (root || document).querySelectorAll("time[data-relative]");
    for (var i = 0; i < times.length; i++) {
      var when = new Date(times[i].getAttribute("datetime"));
      if (!isNaN(when.getTime())) { times[i].textContent = relative(when); }
    }
  }

  // An outlet's image we could not fetch answers 404: drop its frame rather than show a broken image.
  function hideBroken(img) {
    var frame = img.closest(".story__media, .article__figure") || img;
    frame.hidden = true;
    var story = img.closest(".story--has-image");
    if (story) { story.classList.remove("story--has-image"); }
  }

  function watchImages() {
    var imgs = document.querySelectorAll(".story__media img, .article__figure img");
    for (var i = 0; i < imgs.length; i++) {
      var img = imgs[i];
      if (img.complete && img.naturalWidth === 0) { hideBroken(img); }
      else { img.addEventListener("error", function (event) { hideBroken(event.target); }); }
    }
  }

  window.newsdesk = window.newsdesk || {};
  window.newsdesk.refreshTimes = refreshTimes;
  document.addEventListener("DOMContentLoaded", function () {
    watchImages();
    refreshTimes();
    window.setInterval(refreshTimes, 60000);
  });
})();
