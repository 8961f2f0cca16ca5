"""What every long computation started from a page shares: who asked and when, its state,
progress and error, and the htmx fragment the page polls until it is done."""

from django.conf import settings
from django.db import models
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


class TaskRun(models.Model):
    """A computation done by the worker (a simulation, a distribution plan)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    seconds = models.FloatField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


def status_fragment(request, run: TaskRun, template: str, name: str):
    """The status fragment the run's page polls; tells htmx to reload the page when done."""
    response = render(request, template, {name: run})
    if run.finished:
        response["HX-Refresh"] = "true"
    return response
