"""The orders API. /healthz and /ready are what the Deployment's probes ask."""
import os

import psycopg
from fastapi import FastAPI, Response

app = FastAPI(title="orders-api")


def database_reachable() -> bool:
    try:
        with psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=1) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


@app.get("/healthz")
def healthz() -> dict[str, str]:
    # Liveness: the process answers. No database call here, or a database outage restarts every pod.
    return {"status": "ok"}


@app.get("/ready")
def ready(response: Response) -> dict[str, str]:
    # Readiness: take the pod out of the Service while it cannot reach the database.
    if not database_reachable():
        response.status_code = 503
        return {"status": "database unreachable"}
    return {"status": "ready"}


@app.get("/orders/{order_id}")
def get_order(order_id: int) -> dict[str, int]:
    return {"id": order_id}
