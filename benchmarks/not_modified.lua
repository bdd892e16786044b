-- Revalidation: every request carries the ETag run.py got from the first response (env BENCH_ETAG),
-- so a correct server answers 304 with an empty body.
wrk.headers["If-None-Match"] = os.getenv("BENCH_ETAG")
