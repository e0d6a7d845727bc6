"""The run's temporary server records every task run in the local database, and only runs what a local run needs."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest

from flows.prefect_env import SERVER_SERVICE_DEFAULTS, server_environment

TASKS_IN_A_BURST = 60


def small_flow_run(n_tasks: int) -> UUID:
    """Run a flow of n_tasks trivial tasks against the current API; its flow run id."""
    from prefect import flow, task
    from prefect.context import FlowRunContext

    @task(persist_result=False)
    def square(number: int) -> int:
        return number * number

    @flow(name="burst-of-tasks", validate_parameters=False)
    def burst(count: int) -> UUID:
        futures = [square.submit(number) for number in range(count)]
        assert [future.result() for future in futures] == [number * number for number in range(count)]
        return FlowRunContext.get().flow_run.id

    return burst(n_tasks)


def recorded_task_run_states(flow_run_id: UUID) -> list[str]:
    """The state names of the flow run's task runs as the current API has them."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return sorted(run.state.name for run in runs if run.state is not None)


@pytest.mark.prefect
def test_every_task_run_is_in_the_local_database_once_the_runs_server_has_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

    from flows.prefect_env import shared_api_server

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_HOME", raising=False)
    with temporary_settings({PREFECT_HOME: tmp_path / "home"}, restore_defaults={PREFECT_API_URL}):
        with shared_api_server():  # the run's server, stopped as soon as the run returns
            flow_run_id = small_flow_run(TASKS_IN_A_BURST)
        with shared_api_server():  # a later server over the same local database
            states = recorded_task_run_states(flow_run_id)
    assert states == ["Completed"] * TASKS_IN_A_BURST


def test_the_temporary_server_runs_without_the_services_a_local_run_does_not_need() -> None:
    environment = server_environment()
    assert environment["PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED"] == "false"
    assert environment["PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED"] == "false"
    assert environment["PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED"] == "false"
    assert int(environment["PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE"]) > 1
    assert environment["PREFECT__SERVER_EPHEMERAL"] == "1"  # no scheduler, late runs, foreman, ...


def test_a_service_setting_the_user_chose_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED", "true")
    assert server_environment()["PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED"] == "true"
    assert set(SERVER_SERVICE_DEFAULTS) <= set(server_environment())
