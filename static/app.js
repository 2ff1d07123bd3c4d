// Progressive enhancement on every page; each page works without this file.
// 1. A form that came back with mistakes: the focus goes to the first wrong field (the
//    server already marks it autofocus; this covers fields rendered by hand, fields in a
//    closed section and browsers that ignore autofocus), and the summary's links focus
//    their field instead of only scrolling to it.
// 2. The header menu closes on a tap elsewhere or Escape.
(function () {
  function reveal(field) {
    for (var el = field.parentElement; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") el.open = true;
    }
    field.focus({preventScroll: true});
    field.scrollIntoView({block: "center"});
  }
  // Two forms on one page may share field ids (a ticket's work log and resolve forms both
  // have "notes"): the one meant is the field marked .bad (the form that was sent).
  function target(link) {
    var id = decodeURIComponent(link.hash.slice(1));
    var all = document.querySelectorAll('[id="' + id.replace(/["\\]/g, "\\$&") + '"]');
    for (var i = 0; i < all.length; i++) if (all[i].closest(".bad")) return all[i];
    return all[0] || null;
  }
  var summary = document.getElementById("error-summary");
  if (summary) {
    var links = summary.querySelectorAll("a[href^='#']");
    var first = document.querySelector("[autofocus]") || (links[0] && target(links[0]));
    if (first && document.activeElement !== first) reveal(first);
    else if (!first) summary.focus();
    Array.prototype.forEach.call(links, function (link) {
      link.addEventListener("click", function (event) {
        var field = target(link);
        if (!field) return;
        event.preventDefault();
        reveal(field);
      });
    });
  }
  var menus = document.querySelectorAll("details.menu");
  function close(except) {
    Array.prototype.forEach.call(menus, function (m) { if (m !== except) m.open = false; });
  }
  document.addEventListener("click", function (event) {
    var inside = event.target.closest && event.target.closest("details.menu");
    close(inside);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") close(null);
  });
})();
