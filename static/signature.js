// Progressive enhancement of the service sheet's sign form (templates/jobreports/sign.html):
// a signature pad drawn with a finger (touch or pointer events) or a mouse. On sending, the
// drawing goes into the hidden "signature" field as a PNG data URL; the server checks it.
// Without this file the pad stays hidden and the typed name alone signs.
(function () {
  var pad = document.getElementById("sign-pad");
  var canvas = document.getElementById("signature-canvas");
  var form = document.getElementById("sign-form");
  if (!pad || !canvas || !form || !canvas.getContext) return;
  var field = form.querySelector("input[name=signature]");
  var ratio = Math.min(window.devicePixelRatio || 1, 2); // sharp, but a small PNG
  var ctx, drawn = false, last = null;
  pad.hidden = false;

  function setUp() {
    var box = canvas.getBoundingClientRect();
    canvas.width = Math.round(box.width * ratio);
    canvas.height = Math.round(box.height * ratio);
    ctx = canvas.getContext("2d");
    ctx.scale(ratio, ratio);
    ctx.lineWidth = 2.5;
    ctx.lineCap = ctx.lineJoin = "round";
    ctx.strokeStyle = "#0b1f3a";
    drawn = false;
    field.value = "";
  }
  function at(x, y) {
    var box = canvas.getBoundingClientRect();
    return {x: x - box.left, y: y - box.top};
  }
  function start(p) {
    last = p;
    ctx.beginPath();
    ctx.arc(p.x, p.y, ctx.lineWidth / 2, 0, 2 * Math.PI);
    ctx.fillStyle = ctx.strokeStyle;
    ctx.fill();
    drawn = true;
  }
  function move(p) {
    if (!last) return;
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    last = p;
  }
  function end() { last = null; }

  if (window.PointerEvent) {
    canvas.addEventListener("pointerdown", function (e) {
      e.preventDefault();
      canvas.setPointerCapture(e.pointerId);
      start(at(e.clientX, e.clientY));
    });
    canvas.addEventListener("pointermove", function (e) {
      if (last) { e.preventDefault(); move(at(e.clientX, e.clientY)); }
    });
    ["pointerup", "pointercancel"].forEach(function (kind) {
      canvas.addEventListener(kind, end);
    });
  } else { // older in-app browsers: touch events
    canvas.addEventListener("touchstart", function (e) {
      e.preventDefault();
      var t = e.changedTouches[0];
      start(at(t.clientX, t.clientY));
    }, {passive: false});
    canvas.addEventListener("touchmove", function (e) {
      e.preventDefault();
      var t = e.changedTouches[0];
      move(at(t.clientX, t.clientY));
    }, {passive: false});
    canvas.addEventListener("touchend", end);
    canvas.addEventListener("touchcancel", end);
  }
  document.getElementById("signature-clear").addEventListener("click", function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
    field.value = "";
  });
  form.addEventListener("submit", function () {
    field.value = drawn ? canvas.toDataURL("image/png") : "";
  });
  setUp();
})();
