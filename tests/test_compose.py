#!/usr/bin/python3
"""Checks examples/uservices/docker-compose.yaml without running Docker: it is valid YAML;
every file it mounts or builds from exists in the repository; and every service name,
port, flag and environment variable agrees with the services' code and with the
configuration files of Tempo, Prometheus, Grafana and Traefik."""
import pathlib
import re
import sys
import unittest
from urllib.parse import urlsplit

import yaml

ROOT = pathlib.Path(sys.argv.pop(1) if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[1])
DEMO = ROOT / "examples" / "uservices"


def load(path):
    with open(path, encoding="utf-8") as file:
        return yaml.safe_load(file)


def host_port(url):
    parts = urlsplit(url)
    return parts.hostname, parts.port


def service_defaults():
    """{name: (default port, has --downstream)} from each service's main()."""
    found = {}
    for source in sorted(DEMO.glob("uservice*.cpp")):
        match = re.search(r'uservices::defaults\("(uservice\d)", (\d+)(, "[^"]*")?\)', source.read_text())
        if match:
            found[match.group(1)] = (int(match.group(2)), match.group(3) is not None)
    return found


class ComposeFile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.compose = load(DEMO / "docker-compose.yaml")
        cls.services = cls.compose["services"]
        cls.defaults = service_defaults()

    def environment(self, name):
        return {str(k): str(v) for k, v in (self.services[name].get("environment") or {}).items()}

    def listen_port(self, name):
        return int(self.environment(name)["USERVICE_LISTEN"].rsplit(":", 1)[1])

    def published(self, name):
        """{container port: host port} of a service's `ports`."""
        mapping = {}
        for entry in self.services[name].get("ports", []):
            host, container = str(entry).split(":")[-2:]
            mapping[int(container)] = int(host)
        return mapping

    def test_the_expected_services(self):
        self.assertEqual(set(self.services),
                         {"tempo", "prometheus", "grafana", "traefik", "uservice1", "uservice2", "uservice3", "uservice4",
                          "tracewire-gen", "postgres"})
        self.assertEqual(set(self.defaults), {"uservice1", "uservice2", "uservice3", "uservice4"})

    def test_every_mounted_and_built_file_exists(self):
        for name, service in self.services.items():
            for volume in service.get("volumes", []):
                source = volume.split(":")[0]
                self.assertTrue(source.startswith("./"), f"{name}: {volume} is not a repository file")
                self.assertTrue((DEMO / source).is_file(), f"{name} mounts {source}, which does not exist")
            if "build" in service:
                context = (DEMO / service["build"]["context"]).resolve()
                self.assertEqual(context, ROOT.resolve())
                dockerfile = context / service["build"]["dockerfile"]
                self.assertTrue(dockerfile.is_file(), f"{name}: no {dockerfile}")
                for copied in re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile.read_text(), re.M):
                    for path in copied.split():
                        self.assertTrue((context / path).exists(), f"the Dockerfile copies {path}, which does not exist")

    def test_services_run_the_executables_on_their_default_ports(self):
        dockerfile = (DEMO / "Dockerfile").read_text()
        targets = (DEMO / "CMakeLists.txt").read_text()
        flags = (DEMO / "service.hpp").read_text()
        for name, (port, has_downstream) in self.defaults.items():
            with self.subTest(service=name):
                self.assertEqual(self.services[name]["command"], [name])
                self.assertIn(f"/build/examples/uservices/{name}", dockerfile)
                self.assertIn(name, re.search(r"foreach\(service ([^)]*)\)", targets).group(1).split())
                self.assertEqual(self.listen_port(name), port)
                self.assertEqual(self.published(name).get(port), port)
                for variable in self.environment(name):
                    if variable.startswith("USERVICE_"):
                        self.assertIn(f'"{variable}"', flags, f"{name}: the services do not read {variable}")
                self.assertEqual("USERVICE_DOWNSTREAM" in self.environment(name), has_downstream)

    def test_downstream_urls_name_services_and_their_ports(self):
        for name, downstream in (("uservice1", "uservice2"), ("uservice3", "uservice4")):
            host, port = host_port(self.environment(name)["USERVICE_DOWNSTREAM"])
            self.assertEqual(host, downstream)
            self.assertEqual(port, self.listen_port(downstream))
            self.assertIn(downstream, self.services[name].get("depends_on", []))

    def test_uservice4_queries_the_postgres_service(self):
        postgres = self.services["postgres"]
        self.assertRegex(postgres["image"], r"^postgres:\d+")  # the official image
        url = urlsplit(self.environment("uservice4")["USERVICE_POSTGRES"])
        self.assertIn(url.scheme, ("postgresql", "postgres"))  # a libpq connection URI
        self.assertEqual((url.hostname, url.port or 5432), ("postgres", 5432))  # the image's port
        password = {str(k): str(v) for k, v in postgres["environment"].items()}["POSTGRES_PASSWORD"]
        self.assertEqual((url.username, url.password), ("postgres", password))
        self.assertIn("postgres", self.services["uservice4"].get("depends_on", []))
        # The image builds uservice4 with libpq (so that it has --postgres) and runs it with libpq's runtime.
        dockerfile = (DEMO / "Dockerfile").read_text()
        self.assertIn("libpq-dev", dockerfile)
        self.assertIn("-DTRACEWIRE_WITH_LIBPQ=ON", dockerfile)
        self.assertIn("libpq5", dockerfile)
        self.assertIn('"--postgres"', (DEMO / "service.hpp").read_text())

    def test_instrumented_services_export_to_tempo_otlp_http(self):
        tempo = load(DEMO / "compose" / "tempo.yaml")
        otlp_http = tempo["distributor"]["receivers"]["otlp"]["protocols"]["http"]["endpoint"]
        for name in ("uservice3", "uservice4"):
            environment = self.environment(name)
            self.assertEqual(environment["OTEL_TRACES_EXPORTER"], "otlp")
            url = environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]
            self.assertEqual(host_port(url), ("tempo", int(otlp_http.rsplit(":", 1)[1])))
            self.assertEqual(urlsplit(url).path, "/v1/traces")
        for receiver_port in (4317, 4318, 14268, 9411, tempo["server"]["http_listen_port"]):
            self.assertIn(receiver_port, self.published("tempo"))

    def test_tracewire_gen_sends_a_shipped_topology_to_tempo_over_otlp_grpc(self):
        service = self.services["tracewire-gen"]
        environment = self.environment("tracewire-gen")
        tempo = load(DEMO / "compose" / "tempo.yaml")
        otlp_grpc = tempo["distributor"]["receivers"]["otlp"]["protocols"]["grpc"]["endpoint"]
        self.assertEqual(environment["OTEL_TRACES_EXPORTER"], "otlp")
        self.assertEqual(environment["OTEL_EXPORTER_OTLP_PROTOCOL"], "grpc")
        self.assertEqual(host_port(environment["OTEL_EXPORTER_OTLP_ENDPOINT"]), ("tempo", int(otlp_grpc.rsplit(":", 1)[1])))
        self.assertIn(4317, self.published("tempo"))
        self.assertIn("tempo", service.get("depends_on", []))
        # The image builds the tool with gRPC and runs it; the command uses only its options.
        dockerfile = (DEMO / service["build"]["context"] / service["build"]["dockerfile"]).resolve().read_text()
        self.assertIn("--target tracewire-gen", dockerfile)
        self.assertIn("libgrpc++-dev", dockerfile)
        self.assertIn('ENTRYPOINT ["tracewire-gen"]', dockerfile)
        tool = ROOT / "tools" / "tracewire_gen"
        usage = (tool / "main.cpp").read_text()
        command = service["command"]
        for option in (argument for argument in command if argument.startswith("--")):
            self.assertIn(f"  {option}", usage, f"tracewire-gen has no option {option}")
        topology = command[command.index("--topology") + 1]
        self.assertTrue((tool / "topologies" / f"{topology}.json").is_file(), f"{topology} is not a shipped topology")
        self.assertIn(topology, (ROOT / "tools" / "CMakeLists.txt").read_text())

    def test_traefik_routes_to_the_services_and_traces_to_tempo(self):
        command = self.services["traefik"]["command"]
        options = dict(option.lstrip("-").split("=", 1) for option in command)
        mounted = dict(volume.split(":")[1::-1] for volume in self.services["traefik"]["volumes"])
        dynamic = load(DEMO / mounted[options["providers.file.filename"]][2:])
        tempo = load(DEMO / "compose" / "tempo.yaml")
        thrift_http = tempo["distributor"]["receivers"]["jaeger"]["protocols"]["thrift_http"]["endpoint"]
        self.assertEqual(host_port(options["tracing.jaeger.collector.endpoint"]),
                         ("tempo", int(thrift_http.rsplit(":", 1)[1])))
        self.assertEqual(options["tracing.jaeger.propagation"], "jaeger")
        entry_port = int(options["entrypoints.web.address"].rsplit(":", 1)[1])
        self.assertIn(entry_port, self.published("traefik"))
        for router in dynamic["http"]["routers"].values():
            self.assertEqual(router["entryPoints"], ["web"])
            for server in dynamic["http"]["services"][router["service"]]["loadBalancer"]["servers"]:
                host, port = host_port(server["url"])
                self.assertIn(host, self.services)
                self.assertEqual(port, self.listen_port(host))

    def test_tempo_writes_metrics_to_prometheus_and_grafana_reads_both(self):
        tempo = load(DEMO / "compose" / "tempo.yaml")
        self.assertEqual(set(tempo["overrides"]["defaults"]["metrics_generator"]["processors"]),
                         {"service-graphs", "span-metrics"})
        prometheus_port = int(self.services["prometheus"]["ports"][0].split(":")[1])
        for target in tempo["metrics_generator"]["storage"]["remote_write"]:
            self.assertEqual(host_port(target["url"]), ("prometheus", prometheus_port))
        self.assertIn("--web.enable-remote-write-receiver", self.services["prometheus"]["command"])
        mounted = dict(volume.split(":")[1::-1] for volume in self.services["grafana"]["volumes"])
        provisioning = [path for target, path in mounted.items() if "/provisioning/datasources/" in target]
        self.assertEqual(len(provisioning), 1)
        sources = {source["type"]: source for source in load(DEMO / provisioning[0][2:])["datasources"]}
        self.assertEqual(host_port(sources["tempo"]["url"]), ("tempo", tempo["server"]["http_listen_port"]))
        self.assertEqual(host_port(sources["prometheus"]["url"]), ("prometheus", prometheus_port))
        self.assertEqual(sources["tempo"]["jsonData"]["serviceMap"]["datasourceUid"], sources["prometheus"]["uid"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
