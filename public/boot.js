// Runs before the page is drawn. In an embed (?embed=<figure-id>) it marks the document
// so the stylesheet hides the article and shows only the figure the WebAssembly mounts.
(function () {
  var m = /[?&]embed=([A-Za-z0-9-]{1,64})(?:&|$)/.exec(location.search);
  if (m) document.documentElement.setAttribute('data-embed', m[1]);
})();

// An equation wider than the screen scrolls sideways; one that does is made focusable, so
// it can be scrolled from the keyboard too (and others are left out of the Tab order).
// Each is looked at only as it nears the viewport (and again after a resize): measuring
// them all at once would lay out the whole article before the first paint.
(function () {
  function fit(el) {
    if (el.scrollWidth > el.clientWidth + 1) el.setAttribute('tabindex', '0');
    else el.removeAttribute('tabindex');
  }
  var near = [];
  function start() {
    var els = document.querySelectorAll('.prose .display');
    if (!('IntersectionObserver' in window)) {
      for (var i = 0; i < els.length; i++) fit(els[i]);
      return;
    }
    var io = new IntersectionObserver(
      function (entries) {
        for (var i = 0; i < entries.length; i++) {
          var el = entries[i].target;
          var at = near.indexOf(el);
          if (entries[i].isIntersecting) {
            fit(el);
            if (at < 0) near.push(el);
          } else if (at >= 0) near.splice(at, 1);
        }
      },
      { rootMargin: '200% 0px 200% 0px' }
    );
    for (var j = 0; j < els.length; j++) io.observe(els[j]);
  }
  var pending = 0;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      for (var i = 0; i < near.length; i++) fit(near[i]);
    }, 200);
  });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
