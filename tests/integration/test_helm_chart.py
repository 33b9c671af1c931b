"""The Helm chart, linted and rendered by Helm's own engine (`helm-python-sdk` binds Helm's Go SDK: no helm binary),
for the default values, for each optional resource switched on alone, and for `ci/full-values.yaml`; every manifest is
validated against the Kubernetes schemas (`kubernetes-validate`, offline, strict: unknown fields are errors) of the
oldest and newest versions supported, and the Prometheus Operator's resources against its CRDs (cloudcoil's models,
generated from them; a field they drop is an unknown field)."""

from __future__ import annotations

import http.server
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import msgspec
import pytest
import yaml

from service.config import Settings

helm = pytest.importorskip("helm_python")

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "helm" / "canon"
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
        elif manifest["kind"] == "Pod":
            yield manifest["metadata"]["name"], manifest["spec"]


def pod_labels(manifests: list[Manifest]) -> dict[str, dict[str, str]]:
    """Each pod's labels by component (`api`, `worker`, `migrate`, `test`)."""
    found = {}
    for manifest in manifests:
        if manifest["kind"] in {"Deployment", "Job"}:
            labels = manifest["spec"]["template"]["metadata"]["labels"]
        elif manifest["kind"] == "Pod":
            labels = manifest["metadata"]["labels"]
        else:
            continue
        found[labels["app.kubernetes.io/component"]] = labels
    return found


def selects(selector: Manifest, labels: dict[str, str]) -> bool:
    """A Kubernetes label selector (matchLabels and In/NotIn/Exists expressions) applied to a pod's labels."""
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator = expression["key"], expression["operator"]
        if operator == "In" and labels.get(key) not in expression["values"]:
            return False
        if operator == "NotIn" and labels.get(key) in expression["values"]:
            return False
        if operator == "Exists" and key not in labels:
            return False
    return True


OPTIONS = {
    "network-policy": {"networkPolicy": {"enabled": True}},
    "pod-monitor": {"metrics": {"podMonitor": {"enabled": True}}},
    "prometheus-rule": {"metrics": {"prometheusRule": {"enabled": True}}},
}
VALUES: dict[str, dict[str, Any] | None] = {"default": None, **OPTIONS, "full": FULL}
MONITORING = "monitoring.coreos.com/v1"


def validate_monitoring(manifest: Manifest) -> None:
    """A Prometheus Operator resource checked against the operator's CRD schema: the model refuses wrong types and
    patterns, and drops fields the CRD does not know, so the round trip must give back the manifest unchanged."""
    from cloudcoil.models.prometheus_operator import v1

    model = {"PodMonitor": v1.PodMonitor, "PrometheusRule": v1.PrometheusRule}[manifest["kind"]]
    assert model.model_validate(manifest).model_dump(by_alias=True, exclude_unset=True, mode="json") == manifest


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
        if manifest["apiVersion"] == MONITORING:
            validate_monitoring(manifest)
            continue
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
        "Pod",
        "PodDisruptionBudget",
        "Service",
        "ServiceAccount",
    ], "no NetworkPolicy, PodMonitor or PrometheusRule unless asked for"
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
    assert len(list(pod_specs(manifests))) == 4, "the API, the worker, the migration job and the helm test pod"
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
            if name.endswith("-test-readyz"):
                assert not [v for v in env.values() if isinstance(v, dict)], "helm test reads no secret"
                continue
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


def _container(manifests: list[Manifest], component: str) -> Manifest:
    [spec] = [spec for name, spec in pod_specs(manifests) if f"-{component}" in name]
    [container] = spec["containers"]
    return container


def test_search_token_secrets_come_from_the_secret_to_the_api_pods_only() -> None:
    """CANON_SEARCH_TOKEN_SECRETS (newest first) is read from the Secret when its key is there, by the API alone (the
    worker and the migration job sign nothing); unset there, the API keeps the secrets in PostgreSQL."""
    defaults = render()
    api = _env(_container(defaults, "api"))
    assert api["CANON_SEARCH_TOKEN_SECRETS"] == {
        "secretKeyRef": {"name": "canon-secrets", "key": "CANON_SEARCH_TOKEN_SECRETS", "optional": True}
    }
    assert api["CANON_SEARCH_TOKEN_SECRET"]["secretKeyRef"]["key"] == "CANON_SEARCH_TOKEN_SECRET"
    for component in ("worker", "migrate"):
        env = _env(_container(defaults, component))
        assert not [name for name in env if name.startswith("CANON_SEARCH_TOKEN")], component
    [config] = by_kind(defaults)["ConfigMap"]
    assert not [name for name in config["data"] if name.startswith("CANON_SEARCH_TOKEN")]

    full = _env(_container(render(FULL), "api"))
    assert full["CANON_SEARCH_TOKEN_SECRETS"] == {
        "secretKeyRef": {"name": "canon-prod-secrets", "key": "search-token-secrets", "optional": True}
    }
    assert "CANON_SEARCH_TOKEN_SECRET" not in full, "an emptied key name is not read"


RETENTION = (
    "retention_deliveries_days",
    "retention_events_days",
    "retention_audit_days",
    "retention_every_seconds",
)


def _retention(values: dict[str, Any] | None) -> tuple[dict[str, str], dict[str, object]]:
    """The ConfigMap's retention settings, and what Canon's own settings make of the whole ConfigMap."""
    [config] = by_kind(render(values))["ConfigMap"]
    settings = Settings.from_env(config["data"])
    written = {name: value for name, value in config["data"].items() if name.startswith("CANON_RETENTION_")}
    return written, {name: getattr(settings, name) for name in RETENTION}


def test_retention_settings_reach_the_configmap_as_canon_reads_them() -> None:
    written, read = _retention(None)
    assert sorted(written) == sorted(f"CANON_{name.upper()}" for name in RETENTION)
    assert read == {name: getattr(Settings(), name) for name in RETENTION}, "the chart's defaults are Canon's"

    written, read = _retention(FULL)
    assert read == {
        "retention_deliveries_days": 14,
        "retention_events_days": 90,
        "retention_audit_days": 400,
        "retention_every_seconds": 60.0,
    }
    # 0 keeps for good: a value, written as such, not dropped as empty (which would mean Canon's default, 30).
    written, read = _retention({"retention": {"deliveriesDays": 0, "everySeconds": 0.5}})
    assert written["CANON_RETENTION_DELIVERIES_DAYS"] == "0"
    assert (read["retention_deliveries_days"], read["retention_every_seconds"]) == (0, 0.5)
    written, _ = _retention({"retention": {"auditDays": 3650}, "config": {"CANON_RETENTION_AUDIT_DAYS": "365"}})
    assert written["CANON_RETENTION_AUDIT_DAYS"] == "365", "config wins over the dedicated value"


def test_review_console_and_single_sign_on_settings_reach_canon_as_it_reads_them() -> None:
    """Unset, Canon's own defaults hold (nothing written); set, the ConfigMap says them as Canon reads them, and the
    console's client secret comes from the Secret, to the API pods only."""
    defaults = render()
    [config] = by_kind(defaults)["ConfigMap"]
    read = Settings.from_env(config["data"])
    assert (read.review_window_seconds, read.console_session_idle_seconds, read.oidc_client_id) == (
        Settings().review_window_seconds,
        Settings().console_session_idle_seconds,
        None,
    )
    values = {
        "oidc": {"issuer": "https://id.acme.example", "audience": "canon", "clientId": "canon-console"},
        "reviews": {"windowSeconds": 86400, "acknowledgementWindowSeconds": 259200, "remindersEverySeconds": 30},
        "console": {"sessionIdleSeconds": 900, "sessionAbsoluteSeconds": 28800},
    }
    configured = render(values)
    [config] = by_kind(configured)["ConfigMap"]
    read = Settings.from_env(config["data"])
    assert (
        read.oidc_client_id,
        read.review_window_seconds,
        read.acknowledgement_window_seconds,
        read.reminders_every_seconds,
        read.console_session_idle_seconds,
        read.console_session_absolute_seconds,
    ) == ("canon-console", 86400.0, 259200.0, 30.0, 900.0, 28800.0)
    assert _env(_container(configured, "api"))["CANON_OIDC_CLIENT_SECRET"] == {
        "secretKeyRef": {"name": "canon-secrets", "key": "CANON_OIDC_CLIENT_SECRET", "optional": True}
    }
    assert "CANON_OIDC_CLIENT_SECRET" not in _env(_container(configured, "worker"))


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
        {
            "networkPolicy": {
                "enabled": True,
                "egress": {"dns": {"to": [], "ports": [{"port": 53, "protocol": "ICMP"}]}},
            }
        },
        {"metrics": {"podMonitor": {"enabled": True, "interval": "half a minute"}}},
        {"metrics": {"prometheusRule": {"enabled": True, "ruleLabels": {"team": 7}}}},
        {"metrics": {"podMonitor": {"enabled": True, "metricsToken": True}}, "secretKeys": {"metricsToken": ""}},
        {"config": {"CANON_SEARCH_TOKEN_SECRETS": "new,old"}},
        {"retention": {"eventsDays": -1}},
        {"retention": {"auditDays": 36501}},
        {"retention": {"deliveriesDays": "thirty"}},
        {"retention": {"everySeconds": 0}},
        {"retention": {"days": 30}},
        {"reviews": {"windowSeconds": 0}},
        {"console": {"sessionIdleSeconds": "an hour"}},
    ],
    ids=[
        "replicas-type",
        "unknown-key",
        "secret-in-config",
        "config-name",
        "pull-policy",
        "privileged-port",
        "no-secret",
        "network-policy-protocol",
        "scrape-interval",
        "rule-label-type",
        "pod-monitor-token-without-key",
        "search-token-secrets-in-config",
        "retention-negative",
        "retention-too-long",
        "retention-type",
        "retention-never",
        "retention-unknown-key",
        "review-window-never",
        "session-idle-words",
    ],
)
def test_the_values_schema_refuses_bad_values(values: dict[str, Any]) -> None:
    with pytest.raises(helm.HelmValuesError):
        render(values)


def test_the_optional_resources_render_only_when_switched_on() -> None:
    added = {name: sorted(set(by_kind(render(values))) - set(by_kind(render()))) for name, values in OPTIONS.items()}
    assert added == {
        "network-policy": ["NetworkPolicy"],
        "pod-monitor": ["PodMonitor"],
        "prometheus-rule": ["PrometheusRule"],
    }
    assert {"NetworkPolicy", "PodMonitor", "PrometheusRule"} <= set(by_kind(render(FULL)))


def test_helm_test_asks_the_service_for_readyz(manifests: list[Manifest]) -> None:
    kinds = by_kind(manifests)
    [pod] = kinds["Pod"]
    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    assert "hook-succeeded" in pod["metadata"]["annotations"]["helm.sh/hook-delete-policy"]
    [service] = kinds["Service"]
    [container] = pod["spec"]["containers"]
    url = _env(container)["READYZ_URL"]
    assert url == f"http://{service['metadata']['name']}:{service['spec']['ports'][0]['port']}/readyz"
    assert container["image"] in {c["image"] for _, spec in pod_specs(manifests) for c in spec["containers"]}
    assert pod["spec"]["restartPolicy"] == "Never"


class _Ready(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"status":"ready"}' if self.path == "/readyz" else b"wrong path"
        self.send_response(200 if self.path == "/readyz" else 404)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


def test_the_helm_test_script_passes_when_readyz_answers_200() -> None:
    [pod] = by_kind(render())["Pod"]
    [container] = pod["spec"]["containers"]
    assert container["command"][:2] == ["python", "-c"]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Ready)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/readyz"
        ran = subprocess.run(
            [sys.executable, "-c", container["command"][2]],
            env={"READYZ_URL": url},
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert f"{url} 200" in ran.stdout


def _policies(manifests: list[Manifest]) -> dict[str, Manifest]:
    return {
        p["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/component"]: p
        for p in by_kind(manifests)["NetworkPolicy"]
    }


def _ports(rule: Manifest) -> set[tuple[int | str, str]]:
    return {(port["port"], port["protocol"]) for port in rule.get("ports", [])}


def test_network_policies_let_in_only_the_listed_sources_and_out_only_what_each_pod_uses() -> None:
    manifests = render(FULL)
    policies, labels = _policies(manifests), pod_labels(manifests)
    assert sorted(policies) == ["api", "migrate", "worker"]
    for component, policy in policies.items():
        assert policy["spec"]["policyTypes"] == ["Ingress", "Egress"], component
        selected = {name for name, pod in labels.items() if selects(policy["spec"]["podSelector"], pod)}
        assert selected == {component}, f"{policy['metadata']['name']} selects {selected}"

    [api_in] = policies["api"]["spec"]["ingress"]
    assert api_in["ports"] == [{"port": "http", "protocol": "TCP"}], "the container port the API listens on"
    assert FULL["networkPolicy"]["apiFrom"][0] in api_in["from"]
    assert FULL["networkPolicy"]["metricsFrom"][0] in api_in["from"], "Prometheus scrapes the API port"
    tester = [peer for peer in api_in["from"] if "namespaceSelector" not in peer]
    assert [selects(peer["podSelector"], labels["test"]) for peer in tester] == [True], "helm test reaches the API"
    [worker_in] = policies["worker"]["spec"]["ingress"]
    assert worker_in == {
        "ports": [{"port": "metrics", "protocol": "TCP"}],
        "from": FULL["networkPolicy"]["metricsFrom"],
    }
    assert policies["migrate"]["spec"]["ingress"] == []

    dns = {(53, "UDP"), (53, "TCP")}
    egress = {component: policy["spec"]["egress"] for component, policy in policies.items()}
    assert [_ports(rule) for rule in egress["migrate"]] == [dns, {(5432, "TCP")}], "PostgreSQL and DNS only"
    assert egress["migrate"][1]["to"] == [{"ipBlock": {"cidr": "10.20.5.0/24"}}]
    extra = FULL["networkPolicy"]["extraEgress"][0]
    s3, meili, oidc = {(443, "TCP")}, {(7700, "TCP")}, {(443, "TCP")}
    assert [_ports(rule) for rule in egress["api"]] == [dns, {(5432, "TCP")}, s3, meili, oidc, _ports(extra)]
    assert [_ports(rule) for rule in egress["worker"]] == [
        dns,
        {(5432, "TCP")},
        s3,
        meili,
        {(3128, "TCP")},
        _ports(extra),
    ]
    assert egress["worker"][4]["to"] == [{"ipBlock": {"cidr": "10.20.9.10/32"}}], "webhooks through the proxy"
    assert egress["api"][-1] == extra


def test_network_policy_defaults_allow_any_source_and_public_webhook_targets_only() -> None:
    manifests = render({"networkPolicy": {"enabled": True}, "meilisearch": {"url": ""}})
    policies = _policies(manifests)
    assert policies["api"]["spec"]["ingress"] == [{"ports": [{"port": "http", "protocol": "TCP"}]}]
    assert policies["worker"]["spec"]["ingress"] == [{"ports": [{"port": "metrics", "protocol": "TCP"}]}]
    api_ports = [_ports(rule) for rule in policies["api"]["spec"]["egress"]]
    assert api_ports == [{(53, "UDP"), (53, "TCP")}, {(5432, "TCP")}, {(443, "TCP")}], "no Meilisearch, no OIDC"
    webhooks = policies["worker"]["spec"]["egress"][-1]
    blocks = {peer["ipBlock"]["cidr"]: set(peer["ipBlock"]["except"]) for peer in webhooks["to"]}
    assert {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"} <= blocks["0.0.0.0/0"]
    assert {"fc00::/7", "fe80::/10"} <= blocks["::/0"]


def test_the_pod_monitor_scrapes_the_api_and_the_worker_pods_on_their_metrics_ports() -> None:
    manifests = render(FULL)
    [monitor] = by_kind(manifests)["PodMonitor"]
    labels = pod_labels(manifests)
    selected = {name for name, pod in labels.items() if selects(monitor["spec"]["selector"], pod)}
    assert selected == {"api", "worker"}
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    ports = {
        port["name"]
        for _, spec in pod_specs(manifests)
        for container in spec["containers"]
        for port in container.get("ports", [])
    }
    endpoints = {endpoint["port"]: endpoint for endpoint in monitor["spec"]["podMetricsEndpoints"]}
    assert set(endpoints) == {"http", "metrics"} <= ports
    assert all(
        e["path"] == "/metrics" and e["interval"] == "15s" and e["scrapeTimeout"] == "5s" for e in endpoints.values()
    )
    assert endpoints["http"]["authorization"] == {
        "type": "Bearer",
        "credentials": {"name": "canon-prod-secrets", "key": "CANON_METRICS_TOKEN"},
    }, "the API's /metrics token, from the Secret the API reads it from"
    assert "authorization" not in endpoints["metrics"], "the worker's /metrics takes no token"
    [plain] = by_kind(render(OPTIONS["pod-monitor"]))["PodMonitor"]
    assert not any("authorization" in endpoint for endpoint in plain["spec"]["podMetricsEndpoints"])


OPERATIONS = (ROOT / "docs" / "operations.md").read_text()


def _documented_alerts() -> list[Manifest]:
    section = OPERATIONS[OPERATIONS.index("### Alerts") :]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block, "docs/operations.md has a yaml block of alerts under '### Alerts'"
    [group] = yaml.safe_load(block.group(1))["groups"]
    return list(group["rules"])


def _expression(text: str) -> str:
    return " ".join(text.split())


def test_the_prometheus_rule_carries_exactly_the_documented_alerts() -> None:
    documented = _documented_alerts()
    assert len(documented) >= 10
    [rule] = by_kind(render(FULL))["PrometheusRule"]
    assert rule["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    [group] = rule["spec"]["groups"]
    shipped = group["rules"]
    assert [r["alert"] for r in shipped] == [r["alert"] for r in documented], "the same alerts, in the same order"
    for ours, doc in zip(shipped, documented, strict=True):
        name = doc["alert"]
        assert _expression(ours["expr"]) == _expression(doc["expr"]), f"{name}: expression differs from the docs"
        assert ours.get("for") == doc.get("for"), f"{name}: 'for' differs from the docs"
        assert ours["labels"] == {**doc["labels"], "team": "platform"}, f"{name}: labels"
    assert yaml.safe_load((CHART / "files" / "alerts.yaml").read_text())["groups"][0]["rules"] == documented


def test_the_documented_alerts_use_only_documented_metrics() -> None:
    documented = set(re.findall(r"`((?:canon|process)_[a-z_]+)`", OPERATIONS))
    for alert in _documented_alerts():
        used = {re.sub(r"_(bucket|sum|count)$", "", m) for m in re.findall(r"\b(canon_[a-z_]+)", alert["expr"])}
        assert used, alert["alert"]
        assert used <= documented, f"{alert['alert']} uses undocumented metrics {used - documented}"


def test_the_notes_say_how_to_reach_canon_get_a_key_and_find_the_docs() -> None:
    with helm.Chart.load(CHART) as chart:
        notes = chart.render(None, name="canon", namespace="prod", revision=1, is_install=True)[
            "canon/templates/NOTES.txt"
        ]
    assert "kubectl -n prod port-forward svc/canon 8000:80" in notes
    assert "helm test canon -n prod" in notes
    assert "get secret canon-secrets -o jsonpath='{.data.CANON_BOOTSTRAP_ADMIN_KEY}'" in notes
    assert "/v1/keys" in notes
    assert "/schema" in notes
    assert "docs/operations.md" in notes
    with helm.Chart.load(CHART) as chart:
        full = chart.render(FULL, name="canon", namespace="prod", revision=1, is_install=True)[
            "canon/templates/NOTES.txt"
        ]
    assert "https://canon.example.com/" in full
    assert "canon keys create --name ops --role admin" in full, "without a bootstrap key: a key made in a pod"
    assert "PodMonitor canon-prod" in full
    assert "NetworkPolicies canon-prod-api" in full


def test_the_api_believes_forwarded_addresses_only_from_the_configured_proxies() -> None:
    """Rate limits count client addresses: behind an ingress, uvicorn must be told whose X-Forwarded-For to trust."""

    def api_env(values: dict[str, Any]) -> dict[str, str]:
        api = next(spec for name, spec in pod_specs(render(values)) if name.endswith("-api"))
        return {e["name"]: e.get("value") for e in api["containers"][0]["env"]}

    assert "FORWARDED_ALLOW_IPS" not in api_env({})
    assert api_env({"api": {"forwardedAllowIps": "10.0.0.0/8"}})["FORWARDED_ALLOW_IPS"] == "10.0.0.0/8"
