"""Readiness reports made by the worker: the PDF and the XLSX stored with the run; only the
latest reports of a region are kept."""

import logging
import time

from django.utils import timezone

from siaga.readiness import render
from siaga.readiness.models import ReportRun
from siaga.readiness.report import ReportError

logger = logging.getLogger(__name__)
KEEP = 10  # reports kept per region and election


def execute(run: ReportRun) -> None:
    run.status, run.progress = run.Status.RUNNING, 10
    run.save(update_fields=["status", "progress"])
    started = time.perf_counter()
    try:
        report, pdf, pages, xlsx = render.produce(run.region, run.election, run.as_of)
    except ReportError as exc:
        run.status, run.error = run.Status.FAILED, str(exc)
    except Exception as exc:  # the run must end; the page shows why, the log has the trace
        logger.exception("readiness report %s failed", run.pk)
        run.status, run.error = run.Status.FAILED, f"{type(exc).__name__}: {exc}"
    else:
        run.pdf, run.xlsx, run.pages = pdf, xlsx, pages
        run.summary = {"figures": report.figures, "sections": len(report.sections),
                       "synthetic": report.synthetic}
        run.status = run.Status.DONE
    run.progress = 100
    run.seconds = time.perf_counter() - started
    run.finished_at = timezone.now()
    run.save()
    if run.status == run.Status.DONE:
        old = (ReportRun.objects.filter(region=run.region, election=run.election,
                                        status=ReportRun.Status.DONE)
               .order_by("-created_at").values_list("pk", flat=True)[KEEP:])
        ReportRun.objects.filter(pk__in=list(old)).delete()
