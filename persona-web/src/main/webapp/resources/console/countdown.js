// Counts down the open invite's validity on the pairing page; the element may be replaced by an AJAX update.
(function () {
  function tick() {
    var element = document.getElementById("invite-countdown");
    if (!element) return;
    var left = Math.max(0, Math.round((Number(element.dataset.expires) - Date.now()) / 1000));
    element.textContent = left === 0 ? "expired — make a new one"
        : Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0") + " min";
  }
  setInterval(tick, 1000);
  tick();
})();
