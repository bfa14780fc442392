// Cumulative execution against time elapsed (序时进度), from the data the page embeds.
(function () {
  const source = document.getElementById("execution-data");
  const canvas = document.getElementById("execution-chart");
  if (!source || !canvas || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.elapsed_label, data: data.elapsed, borderColor: "#adb5bd", borderDash: [4, 4] },
        { label: data.unit_label, data: data.unit, borderColor: "#0d6efd" },
      ],
    },
    options: { responsive: true, animation: false, scales: { y: { beginAtZero: true, max: 120 } } },
  });
})();
