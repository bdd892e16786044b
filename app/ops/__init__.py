"""Operations: health, readiness, metrics, structured logs, limits, security headers (see install_ops)."""

from fastapi import FastAPI

from app.config import Settings


def install_ops(app: FastAPI, settings: Settings) -> None:
    """Add the operational routes and the outermost middleware. (Filled in by the operations work.)"""

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}
