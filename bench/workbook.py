"""The bureau's disclosure workbook against plain xlsxwriter writing the same cells.

Ours: ``disclosure.exporting.build_workbook`` + ``to_bytes`` (the export task's work: read the
cycle, run the checks, build every table, write and save the xlsx). Plain: the same sheets and
the same values (every table's printed cells, the check sheet's findings) written by xlsxwriter
into memory, with one bold format for total rows: what any exporter has to do at the least.
"""

from __future__ import annotations

import io

from .measure import interleaved, row


def plain_xlsx(tables, findings) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "border": 1})
    cell = book.add_format({"border": 1})
    sheet = book.add_worksheet("检查结果")
    for r, f in enumerate(findings):
        sheet.write_row(r, 0, [f.table, f.unit, f.item, f.expected, f.detail, f.found, f.difference])
    for table in tables:
        sheet = book.add_worksheet(table.number)
        sheet.write(0, 0, table.number, bold)
        sheet.write(1, 0, table.title, bold)
        for r, (data_row, values) in enumerate(zip(table.rows, table.values(), strict=True), start=4):
            fmt = bold if data_row.style in {"total", "group"} else cell
            for c, value in enumerate(values):
                sheet.write(r, c, value, fmt)
    book.close()
    return buffer.getvalue()


def run(report, *, scales, runs, budget_s) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.data import scaled_cycle
    from disclosure.exporting import build_workbook

    results = {}
    report(
        row("workbook (bureau, 2020 format)", "ours s", "xlsxwriter s", "ours/plain (target ≤ 3)", "queries")
    )
    for scale in scales:
        cycle = scaled_cycle(scale)
        built = build_workbook(cycle=cycle)
        tables, findings = built.tables, built.findings
        cells = sum(len(r.cells) for t in tables for r in t.rows)
        with CaptureQueriesContext(connection) as captured:
            build_workbook(cycle=cycle).to_bytes()
        samples = interleaved(
            [
                ("ours", lambda cycle=cycle: build_workbook(cycle=cycle).to_bytes()),
                ("plain", lambda tables=tables, findings=findings: plain_xlsx(tables, findings)),
            ],
            runs=runs,
            budget_s=budget_s,
        )
        ours, plain = samples
        ratio = ours.median / plain.median
        results[scale] = {
            "ours": ours,
            "plain": plain,
            "ratio": ratio,
            "queries": len(captured),
            "cells": cells,
        }
        report(
            row(
                f"  {scale}x: {cells:,} cells, {len(ours.values)} runs",
                f"{ours.median:.3f}",
                f"{plain.median:.3f}",
                f"{ratio:.1f}x",
                len(captured),
            )
        )
        report(row("    spread (min-max, s)", ours.spread, plain.spread, "", ""))
    return results
