"""Jobs: long operations that run in the background with progress, metrics, log and cancel."""
from engine.jobs.context import JobContext
from engine.jobs.model import Job, JobEvent, JobState
from engine.jobs.registry import job_kind
from engine.jobs.runner import JobRunner

__all__ = ["Job", "JobContext", "JobEvent", "JobRunner", "JobState", "job_kind"]
