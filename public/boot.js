// Runs before the page is drawn. In an embed (?embed=<figure-id>) it marks the document
// so the stylesheet hides the article and shows only the figure the WebAssembly mounts.
(function () {
  var m = /[?&]embed=([A-Za-z0-9-]{1,64})(?:&|$)/.exec(location.search);
  if (m) document.documentElement.setAttribute('data-embed', m[1]);
})();
