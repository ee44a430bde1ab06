"""Background job progress: ``/jobs/{id}`` (a fragment for htmx, a page without it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Request

from socialproof.web.templating import is_htmx, render, runner

if TYPE_CHECKING:
    from fastapi.responses import HTMLResponse

router = APIRouter()


@router.get("/jobs")
def jobs_page(request: Request) -> HTMLResponse:
    return render(request, "jobs.html", title="Background jobs", jobs=runner(request).all())


@router.get("/jobs/{job_id}")
def job_status(request: Request, job_id: str) -> HTMLResponse:
    job = runner(request).seen(job_id)
    if is_htmx(request):
        return render(request, "_job.html", j=job)
    return render(request, "job.html", title=job.title, j=job)


@router.get("/api/jobs/{job_id}")
def job_json(request: Request, job_id: str) -> dict[str, object]:
    job = runner(request).get(job_id)
    return {
        "id": job.id,
        "title": job.title,
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "message": job.message,
        "error": job.error,
        "link": job.link,
    }
