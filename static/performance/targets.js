// The target entry form: level-2 choices follow level 1, rows can be added, and every change is
// checked by the server (the DOMAIN §6 rules live in one place, performance/rules.py).
(function () {
  "use strict";
  const form = document.querySelector("[data-targets-form]");
  if (!form) return;
  const table = form.querySelector("[data-testid=indicator-formset]");
  const level1Of = JSON.parse(table.dataset.level1Of);
  const prefix = "ind";
  const total = form.querySelector(`#id_${prefix}-TOTAL_FORMS`);
  const checkUrl = form.dataset.checkUrl;
  const live = form.querySelector("[data-live-problems]");

  function filterLevel2(row) {
    const level1 = row.querySelector("select[name$='-level1']");
    const level2 = row.querySelector("select[name$='-level2']");
    if (!level1 || !level2) return;
    let firstAllowed = null;
    for (const option of level2.options) {
      const allowed = level1Of[option.value] === level1.value;
      option.hidden = !allowed;
      option.disabled = !allowed;
      if (allowed && firstAllowed === null) firstAllowed = option.value;
    }
    if (level1Of[level2.value] !== level1.value && firstAllowed !== null) level2.value = firstAllowed;
  }

  function rows() {
    return Array.from(table.querySelectorAll("tr.indicator-row"));
  }

  function indexOf(row) {
    return Number(row.dataset.prefix.split("-").pop());
  }

  let timer = null;
  function scheduleCheck() {
    if (!checkUrl) return;
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  }

  async function check() {
    const response = await fetch(checkUrl, { method: "POST", body: new FormData(form) });
    if (!response.ok) return;
    const result = await response.json();
    for (const row of rows()) {
      const preview = row.querySelector("[data-preview]");
      const target = result.targets[indexOf(row)];
      if (!preview) continue;
      preview.textContent = target ? describe(target) : "";
    }
    live.replaceChildren();
    if (result.problems.length) {
      const list = document.createElement("ul");
      list.className = "mb-0";
      for (const problem of result.problems) {
        const item = document.createElement("li");
        item.textContent = problem.message;
        item.dataset.code = problem.code;
        list.appendChild(item);
      }
      live.appendChild(list);
      live.classList.remove("d-none");
    } else {
      live.classList.add("d-none");
    }
  }

  function describe(t) {
    if (t.not_applicable) return "→ n/a";
    const flag = t.needs_review ? " ⚠" : "";
    if (t.kind === "quantitative") return `→ ${t.comparator} ${t.value} ${t.unit}${flag}`;
    if (t.kind === "range") return `→ ${t.value}–${t.upper} ${t.unit}${flag}`;
    if (t.kind === "deadline") return `→ ${t.comparator} ${t.deadline || t.label}${flag}`;
    return `→ ${t.label}${flag}`;
  }

  function wire(row) {
    filterLevel2(row);
    row.querySelector("select[name$='-level1']").addEventListener("change", () => filterLevel2(row));
  }

  rows().forEach(wire);
  form.addEventListener("input", scheduleCheck);
  form.addEventListener("change", scheduleCheck);
  form.querySelector("[data-add-row]").addEventListener("click", () => {
    const template = form.querySelector("template[data-empty-row]");
    const index = Number(total.value);
    const html = template.innerHTML.replaceAll("__prefix__", String(index));
    const body = table.querySelector("[data-rows]");
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const row = body.lastElementChild;
    const order = row.querySelector("input[name$='-ORDER']");
    if (order) order.value = String(index + 1);
    wire(row);
    row.querySelector("input[name$='-name']").focus();
  });
  scheduleCheck();
})();
