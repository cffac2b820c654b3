// The model page's upload: the raw file as the body of a PUT, so the server streams it to disk; progress from XHR.
(function () {
  document.addEventListener("change", function (event) {
    if (event.target.id !== "upload-file" || !event.target.files.length) return;
    var file = event.target.files[0];
    var bar = document.getElementById("upload-bar");
    var status = document.getElementById("upload-status");
    var request = new XMLHttpRequest();
    request.open("PUT", "models/upload?name=" + encodeURIComponent(file.name));
    request.setRequestHeader("X-Persona-Upload", "1");
    request.setRequestHeader("Content-Type", "application/octet-stream");
    request.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      var percent = Math.floor(100 * e.loaded / e.total);
      bar.style.width = percent + "%";
      status.textContent = "Uploading " + file.name + ": " + percent + " % of " + (e.total / 1048576).toFixed(1) + " MiB";
    };
    request.onload = function () {
      var answer = {};
      try { answer = JSON.parse(request.responseText); } catch (ignored) { answer.error = request.statusText; }
      if (request.status === 200) {
        bar.style.width = "100%";
        status.textContent = "Uploaded " + answer.name + " · SHA-256 " + answer.sha256;
        if (window.modelsUploaded) window.modelsUploaded();
      } else {
        bar.style.width = "0";
        status.textContent = "Not uploaded: " + (answer.error || request.status);
      }
    };
    request.onerror = function () { status.textContent = "The upload broke off; try again."; };
    request.send(file);
  });
})();
