// Polls a job's status endpoint and moves the progress bar; reloads the page when it finishes.
(function () {
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var bar = box.querySelector(".progress-bar");
  var step = box.querySelector("[data-step]");
  var done = (box.dataset.doneStatuses || "").split(",");
  function poll() {
    fetch(box.dataset.progressUrl, {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        bar.style.width = data.progress + "%";
        bar.textContent = data.progress + "%";
        bar.setAttribute("aria-valuenow", data.progress);
        if (step) { step.textContent = data.step || data.status_display; }
        if (done.indexOf(data.status) >= 0) { window.location.reload(); } else { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
