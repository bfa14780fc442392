// Requested vs approved amounts per unit (万元), from the data the page embeds.
(function () {
  const source = document.getElementById("chart-data");
  const canvas = document.getElementById("requested-approved");
  if (!source || !canvas || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.requested_label, data: data.requested, backgroundColor: "#9ec5fe" },
        { label: data.approved_label, data: data.approved, backgroundColor: "#198754" },
      ],
    },
    options: { responsive: true, animation: false, scales: { y: { beginAtZero: true } } },
  });
})();
