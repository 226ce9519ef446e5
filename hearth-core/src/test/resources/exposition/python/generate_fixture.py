"""Writes the Python prometheus_client fixture Hearth's parser tests read.

Usage: python3 generate_fixture.py OUTPUT_DIR
Writes OUTPUT_DIR/python-0.0.4.txt (exposition.generate_latest) and
OUTPUT_DIR/python-openmetrics.txt (openmetrics.exposition.generate_latest).
Generated with prometheus_client 0.16.0; time is frozen so the output is reproducible.
"""
import os
import sys
from unittest import mock

from prometheus_client import (CollectorRegistry, Counter, Enum, Gauge,
                               Histogram, Info, Summary, generate_latest)
from prometheus_client.openmetrics.exposition import \
    generate_latest as generate_latest_openmetrics

NOW = 1700000000.123


def build():
    registry = CollectorRegistry()
    requests = Counter('http_requests', 'Requests handled.\nSecond line: back\\slash "quoted"',
                       ['method', 'path'], registry=registry)
    requests.labels('GET', '/').inc(3)
    requests.labels('POST', '/api/v1/"items"\\').inc(1.5)
    requests.labels('GET', 'line\nbreak, ünïcödé ✓ 😀').inc(exemplar={'trace_id': 'abc123'})

    duration = Counter('job_duration', 'Total job time.', registry=registry, unit='seconds')
    duration.inc(12.25)

    temperature = Gauge('temperature', 'Current temperature.', ['room'], registry=registry)
    temperature.labels('kitchen').set(21.5)
    temperature.labels('freezer').set(-18)
    temperature.labels('sun').set(float('inf'))
    temperature.labels('void').set(float('-inf'))
    temperature.labels('unknown').set(float('nan'))
    temperature.labels('tiny').set(1e-05)
    temperature.labels('huge').set(12345678.9)
    temperature.labels('million').set(1e6)

    latency = Histogram('request_latency_seconds', 'Request latency.', ['service'],
                        buckets=[0.005, 0.1, 1, 2.5, 1e7], registry=registry)
    latency.labels('auth').observe(0.05)
    latency.labels('auth').observe(0.7, exemplar={'trace_id': 'def456'})
    latency.labels('db').observe(3)

    size = Summary('response_size_bytes', 'Response size.', ['handler'], registry=registry)
    size.labels('/').observe(512)
    size.labels('/').observe(1024)

    build_info = Info('build', 'Build information.', registry=registry)
    build_info.info({'version': '1.2.3', 'revision': 'a"b\\c'})

    state = Enum('task_state', 'Task state.', ['task'], states=['starting', 'running', 'stopped'],
                 registry=registry)
    state.labels('backup').state('running')
    return registry


def main():
    out = sys.argv[1]
    with mock.patch('time.time', return_value=NOW):
        registry = build()
        text = generate_latest(registry)
        openmetrics = generate_latest_openmetrics(registry)
    with open(os.path.join(out, 'python-0.0.4.txt'), 'wb') as f:
        f.write(text)
    with open(os.path.join(out, 'python-openmetrics.txt'), 'wb') as f:
        f.write(openmetrics)


if __name__ == '__main__':
    main()
