"""The Helm chart, linted and rendered by Helm's own engine (`helm-python-sdk` binds Helm's Go SDK: no helm binary),
for the default values and for `ci/full-values.yaml`; every manifest is validated against the Kubernetes schemas
(`kubernetes-validate`, offline, strict: unknown fields are errors) of the oldest and newest versions supported."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import msgspec
import pytest
import yaml

from service.config import Settings

helm = pytest.importorskip("helm_python")

CHART = Path(__file__).resolve().parents[2] / "helm" / "canon"
FULL = yaml.safe_load((CHART / "ci" / "full-values.yaml").read_text())
KUBERNETES = ("1.29.0", "1.37.0")
SETTINGS = {f"CANON_{field.name.upper()}" for field in msgspec.structs.fields(Settings)}

Manifest = dict[str, Any]


def render(values: dict[str, Any] | None = None, *, revision: int = 1) -> list[Manifest]:
    with helm.Chart.load(CHART) as chart:
        rendered = chart.render(values, name="canon", namespace="prod", revision=revision, is_install=True)
    documents = [
        doc for path, text in sorted(rendered.items()) if path.endswith(".yaml") for doc in yaml.safe_load_all(text)
    ]
    return [doc for doc in documents if doc]


def by_kind(manifests: list[Manifest]) -> dict[str, list[Manifest]]:
    found: dict[str, list[Manifest]] = {}
    for manifest in manifests:
        found.setdefault(manifest["kind"], []).append(manifest)
    return found


def pod_specs(manifests: list[Manifest]) -> Iterator[tuple[str, Manifest]]:
    for manifest in manifests:
        if manifest["kind"] in {"Deployment", "Job"}:
            yield manifest["metadata"]["name"], manifest["spec"]["template"]["spec"]


VALUES = {"default": None, "full": FULL}


@pytest.fixture(params=list(VALUES), scope="module")
def manifests(request: pytest.FixtureRequest) -> list[Manifest]:
    return render(VALUES[request.param])


@pytest.mark.parametrize("values", list(VALUES))
def test_the_chart_lints_clean_in_strict_mode(values: str) -> None:
    report = helm.lint(CHART, VALUES[values], strict=True, namespace="prod", kube_version="v1.29.0")
    assert report["errors"] == []
    problems = [m for m in report["messages"] if m["severity"] >= 2]
    assert not problems, problems


@pytest.mark.parametrize("kubernetes", KUBERNETES)
def test_every_manifest_is_valid_for_kubernetes(manifests: list[Manifest], kubernetes: str) -> None:
    assert manifests
    for manifest in manifests:
        try:
            kubernetes_validate.validate(manifest, kubernetes, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(
                f"{manifest['kind']} {manifest['metadata']['name']} on {kubernetes}: {exc.message} at {list(exc.path)}"
            )


def test_the_defaults_render_the_documented_resources() -> None:
    kinds = by_kind(render())
    assert sorted(kinds) == [
        "ConfigMap",
        "Deployment",
        "HorizontalPodAutoscaler",
        "Job",
        "PodDisruptionBudget",
        "Service",
        "ServiceAccount",
    ]
    assert sorted(d["metadata"]["name"] for d in kinds["Deployment"]) == ["canon-api", "canon-worker"]
    api = next(d for d in kinds["Deployment"] if d["metadata"]["name"] == "canon-api")
    assert "replicas" not in api["spec"], "the autoscaler owns the replica count"
    assert kinds["HorizontalPodAutoscaler"][0]["spec"]["scaleTargetRef"]["name"] == "canon-api"
    assert [p["metadata"]["name"] for p in kinds["PodDisruptionBudget"]] == ["canon-api"]
    assert kinds["Service"][0]["spec"]["selector"] == api["spec"]["selector"]["matchLabels"]


def test_full_values_add_ingress_and_budgets_and_pin_the_image() -> None:
    kinds = by_kind(render(FULL))
    assert "HorizontalPodAutoscaler" not in kinds
    assert sorted(p["metadata"]["name"] for p in kinds["PodDisruptionBudget"]) == [
        "canon-prod-api",
        "canon-prod-worker",
    ]
    [ingress] = kinds["Ingress"]
    assert ingress["spec"]["ingressClassName"] == "nginx"
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"] == {
        "name": "canon-prod",
        "port": {"number": 8080},
    }
    api = next(d for d in kinds["Deployment"] if d["metadata"]["name"] == "canon-prod-api")
    assert api["spec"]["replicas"] == 3
    images = {c["image"] for _, spec in pod_specs(render(FULL)) for c in spec["containers"]}
    assert images == {"registry.example.com/platform/canon@" + FULL["image"]["digest"]}


def test_pods_run_locked_down(manifests: list[Manifest]) -> None:
    for name, spec in pod_specs(manifests):
        assert spec["automountServiceAccountToken"] is False, name
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True, name
        assert pod["runAsUser"] != 0, name
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}, name
        volumes = {v["name"]: v for v in spec["volumes"]}
        assert "emptyDir" in volumes["tmp"], name
        for container in spec["containers"]:
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, name
            assert security["allowPrivilegeEscalation"] is False, name
            assert security["capabilities"] == {"drop": ["ALL"]}, name
            assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"], name
            assert container["resources"]["requests"], name
            assert container["resources"]["limits"]["memory"], name


def _env(container: Manifest) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


def test_secrets_come_only_from_the_existing_secret_and_settings_are_real(manifests: list[Manifest]) -> None:
    kinds = by_kind(manifests)
    assert "Secret" not in kinds, "the chart never holds secrets"
    [config] = kinds["ConfigMap"]
    assert set(config["data"]) <= SETTINGS, f"unknown settings: {set(config['data']) - SETTINGS}"
    assert not {"CANON_DATABASE_URL", "CANON_BOOTSTRAP_ADMIN_KEY", "CANON_METRICS_TOKEN"} & set(config["data"])
    assert config["data"]["CANON_LOG_FORMAT"] == "json"
    for name, spec in pod_specs(manifests):
        for container in spec["containers"]:
            env = _env(container)
            assert {n for n in env if n.startswith("CANON_")} <= SETTINGS, name
            database = env["CANON_DATABASE_URL"]["secretKeyRef"]
            assert database["name"] in {"canon-secrets", "canon-prod-secrets"}
            assert "optional" not in database, "the database URL must be there"
            for setting, source in env.items():
                if isinstance(source, dict) and "secretKeyRef" in source and setting != "CANON_DATABASE_URL":
                    assert source["secretKeyRef"]["optional"] is True, (name, setting)


def test_probes_and_shutdown_timing(manifests: list[Manifest]) -> None:
    deployments = {
        d["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"]: d
        for d in by_kind(manifests)["Deployment"]
    }
    api_spec = deployments["api"]["spec"]["template"]["spec"]
    [api] = api_spec["containers"]
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert api["readinessProbe"]["timeoutSeconds"] > 2, "longer than /readyz's own per-dependency deadline"
    grace = float(_env(api)["CANON_SHUTDOWN_GRACE_SECONDS"])
    sleep = int(api["lifecycle"]["preStop"]["exec"]["command"][1])
    assert api_spec["terminationGracePeriodSeconds"] > grace + sleep
    assert _env(api)["CANON_READY_REQUIRE_WORKER"] in {"true", "false"}

    worker_spec = deployments["worker"]["spec"]["template"]["spec"]
    [worker] = worker_spec["containers"]
    port = int(_env(worker)["CANON_WORKER_METRICS_PORT"])
    assert worker["ports"] == [{"name": "metrics", "containerPort": port, "protocol": "TCP"}]
    assert worker["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
    assert worker_spec["terminationGracePeriodSeconds"] > float(_env(worker)["CANON_SHUTDOWN_GRACE_SECONDS"])
    assert "CANON_BOOTSTRAP_ADMIN_KEY" not in _env(worker), "the worker gets only the secrets it uses"


def test_migrations_run_as_a_hook_before_install_and_upgrade() -> None:
    [job] = by_kind(render(revision=7))["Job"]
    assert job["metadata"]["name"] == "canon-migrate-7"
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert "before-hook-creation" in annotations["helm.sh/hook-delete-policy"]
    [container] = job["spec"]["template"]["spec"]["containers"]
    assert container["args"] == ["migrate"]
    assert "envFrom" not in container, "the ConfigMap does not exist yet when a pre-install hook runs"
    assert "serviceAccountName" not in job["spec"]["template"]["spec"], "nor does the chart's ServiceAccount"


def test_config_overrides_and_extra_settings_reach_the_configmap() -> None:
    [config] = by_kind(render(FULL))["ConfigMap"]
    assert config["data"]["CANON_WEBHOOK_TIMEOUT_SECONDS"] == "10"
    assert config["data"]["CANON_DB_POOL_MAX"] == "20"
    assert config["data"]["CANON_LOG_LEVEL"] == "info", "config wins over the dedicated value"
    assert config["data"]["CANON_MEILISEARCH_URL"] == "http://meilisearch.search.svc:7700"


@pytest.mark.parametrize(
    "values",
    [
        {"api": {"replicas": "two"}},
        {"unknown": True},
        {"config": {"CANON_DATABASE_URL": "postgresql://u:p@db/canon"}},
        {"config": {"not_canon": "x"}},
        {"image": {"pullPolicy": "Sometimes"}},
        {"worker": {"metricsPort": 80}},
        {"existingSecret": ""},
    ],
    ids=[
        "replicas-type",
        "unknown-key",
        "secret-in-config",
        "config-name",
        "pull-policy",
        "privileged-port",
        "no-secret",
    ],
)
def test_the_values_schema_refuses_bad_values(values: dict[str, Any]) -> None:
    with pytest.raises(helm.HelmValuesError):
        render(values)
