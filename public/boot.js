// Runs before the page is drawn. In an embed (?embed=<figure-id>) it marks the document
// so the stylesheet hides the article and shows only the figure the WebAssembly mounts.
(function () {
  var m = /[?&]embed=([A-Za-z0-9-]{1,64})(?:&|$)/.exec(location.search);
  if (m) document.documentElement.setAttribute('data-embed', m[1]);
})();

// An equation wider than the screen scrolls sideways; one that does is made focusable, so
// it can be scrolled from the keyboard too (and others are left out of the Tab order).
(function () {
  function focusScrollers() {
    var els = document.querySelectorAll('.prose .display');
    for (var i = 0; i < els.length; i++) {
      if (els[i].scrollWidth > els[i].clientWidth + 1) els[i].setAttribute('tabindex', '0');
      else els[i].removeAttribute('tabindex');
    }
  }
  var pending = 0;
  function later() {
    clearTimeout(pending);
    pending = setTimeout(focusScrollers, 200);
  }
  document.addEventListener('DOMContentLoaded', focusScrollers);
  window.addEventListener('load', focusScrollers);
  window.addEventListener('resize', later);
})();
