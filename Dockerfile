ARG PYTHON_IMAGE=python:3.12-slim

# --- builder: resolve and install the runtime dependencies into a self-contained venv -------------
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /build
COPY pyproject.toml ./
# Only the dependencies are installed, read from pyproject.toml so the list has one home; the app runs
# from /app (not site-packages) because it finds migrations/ and seed_data/ next to its own package.
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > requirements.txt \
 && python -m venv /opt/venv \
 && /opt/venv/bin/pip install -r requirements.txt \
 && /opt/venv/bin/pip uninstall --yes pip setuptools wheel  # installers are not needed at run time (~20 MB)

# --- runtime: the venv, the code and the data, run by an unprivileged user -------------------------
FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    WORKERS=1 \
    DATABASE_URL=sqlite:////app/data/reform_facts.sqlite3
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
COPY pyproject.toml ./
COPY migrations ./migrations
COPY seed_data ./seed_data
COPY app ./app
# Bytecode is compiled now because the unprivileged user cannot write it next to the sources later.
RUN python -m compileall -q app migrations \
 && mkdir -p /app/data \
 && chown app:app /app/data
# The SQLite default lives in a volume-able, user-owned directory; PostgreSQL deployments ignore it.
VOLUME ["/app/data"]
USER app
EXPOSE 8000
# Liveness only (no database): readiness is /readyz, for load balancers and orchestrators.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]
# `serve` migrates and seeds under a database lock, then runs uvicorn with WORKERS workers; SIGTERM
# drains in-flight requests (graceful shutdown) before the process exits.
CMD ["python", "-m", "app", "serve", "--host", "0.0.0.0"]
