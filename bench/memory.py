"""4. Memory: peak RSS of the service under load and of one Lambda invocation.

The service's figure is its ``VmHWM`` after the throughput loads (the high-water
mark over its whole life); the Lambda figures are each cold-start probe's own
``VmHWM`` as it finishes (medians over the cold-start runs).
"""

from __future__ import annotations

from bench.report import Section, Table
from bench.stats import mib

LIMIT_KIB = 100 * 1024


def build_section(service_peak_kib: int | None, lambda_peaks_kib: dict[str, float]) -> Section:
    section = Section(
        "Memory",
        "Peak resident memory (`VmHWM` from `/proc/<pid>/status`). Goal: fits a 128 MB Lambda "
        "with headroom, peak < 100 MB.",
    )
    table = Table(["Process", "peak RSS"])
    if service_peak_kib is not None:
        table.add(
            "gh-promotion service after the throughput loads (section 3)", mib(service_peak_kib)
        )
    for name, peak in lambda_peaks_kib.items():
        table.add(f"one Lambda invocation: {name}", mib(peak))
    section.tables.append(table)
    if lambda_peaks_kib:
        worst = max(lambda_peaks_kib, key=lambda_peaks_kib.get)
        peak = lambda_peaks_kib[worst]
        section.goal("One Lambda invocation < 100 MB", f"{mib(peak)} ({worst})", peak < LIMIT_KIB)
    if service_peak_kib is not None:
        section.goal(
            "The service under load < 100 MB", mib(service_peak_kib), service_peak_kib < LIMIT_KIB
        )
    return section
