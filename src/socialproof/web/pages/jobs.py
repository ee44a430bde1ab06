"""Background job progress: ``/jobs/{id}`` (a fragment for htmx, a page without it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Request

from socialproof.web.templating import is_htmx, redirect, render, runner

if TYPE_CHECKING:
    from fastapi.responses import HTMLResponse, Response

router = APIRouter()


@router.get("/jobs")
def jobs_page(request: Request) -> HTMLResponse:
    return render(request, "jobs.html", title="Background jobs", jobs=runner(request).all())


@router.get("/jobs/{job_id}")
def job_status(request: Request, job_id: str) -> HTMLResponse:
    from urllib.parse import urlsplit

    job = runner(request).seen(job_id)
    if is_htmx(request):
        response = render(request, "_job.html", j=job)
        # on the job's own result page (an audit, an analysis, a community report) the
        # result replaces the progress box: the page loads again once, as it is done
        # (it reloaded itself every 2 s while running, JavaScript or not: axe meta-refresh)
        here = urlsplit(request.headers.get("hx-current-url", "")).path
        if not job.running and job.link and job.id in job.link and here == job.link:
            response.headers["HX-Refresh"] = "true"
        return response
    return render(request, "job.html", title=job.title, j=job)


@router.post("/jobs/{job_id}/stop", response_model=None)
def stop(request: Request, job_id: str) -> Response:
    """Stop a job that can stop (an upload's import): its worker process is ended before
    it commits, and the job's page says so."""
    job = runner(request).get(job_id)
    page = str(job.data.get("page") or f"/jobs/{job.id}")
    if not job.running:
        return redirect(page, message="It had already ended.", kind="warning")
    if not job.data.get("stoppable"):
        return redirect(page, message="This job cannot be stopped; wait for it.", kind="warning")
    job.stop.set()
    return redirect(page, message="Stopping: what it had not saved yet is not written.")


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
