// Progressive enhancement only: the form works without this file.
// 1. Photos are downscaled on the phone before upload (a 4 MB photo takes 45 s at 750 kbit/s).
// 2. The send button is disabled after the first tap (the server is idempotent anyway).
(function () {
  var QUALITY = 0.8;
  function shrink(file, max) {
    if (!window.createImageBitmap || !/^image\//.test(file.type)) return Promise.resolve(file);
    return createImageBitmap(file, {imageOrientation: "from-image"}).then(function (bmp) {
      var scale = Math.min(1, max / Math.max(bmp.width, bmp.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bmp.width * scale);
      canvas.height = Math.round(bmp.height * scale);
      canvas.getContext("2d").drawImage(bmp, 0, 0, canvas.width, canvas.height);
      return new Promise(function (done) {
        canvas.toBlob(function (blob) {
          done(blob && blob.size < file.size
            ? new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", {type: "image/jpeg"})
            : file);
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });
  }
  document.querySelectorAll('input[type=file]').forEach(function (input) {
    input.addEventListener("change", function () {
      if (!window.DataTransfer) return;
      var form = input.form, button = form.querySelector("button");
      button.disabled = true;
      var max = +input.dataset.maxSide || 1600;
      Promise.all(Array.prototype.map.call(input.files, function (f) { return shrink(f, max); }))
      .then(function (files) {
        var dt = new DataTransfer();
        files.forEach(function (f) { dt.items.add(f); });
        input.files = dt.files;
        button.disabled = false;
      });
    });
  });
  // Disabled while sending; enabled again if the network fails or the page comes back
  // from the back/forward cache, so a retry is always possible (the server dedupes it).
  function enableAll() {
    document.querySelectorAll("form button.primary").forEach(function (b) { b.disabled = false; });
  }
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button.primary");
      setTimeout(function () { if (button) button.disabled = true; }, 0);
      setTimeout(enableAll, 15000);
    });
  });
  window.addEventListener("pageshow", enableAll);
})();
