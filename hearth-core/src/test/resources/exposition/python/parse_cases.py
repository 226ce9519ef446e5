"""Parses Hearth's exposition cases with Python prometheus_client and prints the samples.

Usage: python3 parse_cases.py DIR
Every DIR/*.txt is parsed with prometheus_client.parser (text 0.0.4), every DIR/*.om with
prometheus_client.openmetrics.parser. For each file, in name order, prints
  == FILE
then one line per sample:
  NAME<TAB>LABELS<TAB>VALUE<TAB>TIMESTAMP_MS<TAB>EXEMPLAR
LABELS is k=hex(utf8(v)) sorted by name and joined by ',', VALUE is floatToGoString, TIMESTAMP_MS
an integer or '-', EXEMPLAR '-' or LABELS;VALUE;TIMESTAMP_MS. A file Python rejects prints
  !! FILE ERROR
"""
import os
import sys

from prometheus_client.openmetrics.parser import \
    text_string_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_string_to_metric_families as parse_text
from prometheus_client.samples import Timestamp
from prometheus_client.utils import floatToGoString


def labels(d):
    return ','.join(k + '=' + v.encode('utf-8').hex() for k, v in sorted(d.items()))


def millis(ts):
    if ts is None:
        return '-'
    if isinstance(ts, Timestamp):
        return str(ts.sec * 1000 + ts.nsec // 1000000)
    return str(round(ts * 1000))


def main():
    directory = sys.argv[1]
    out = []
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), encoding='utf-8', newline='') as f:
            text = f.read()
        parse = parse_openmetrics if name.endswith('.om') else parse_text
        try:
            lines = []
            for family in parse(text):
                for s in family.samples:
                    ex = '-'
                    if s.exemplar is not None:
                        ex = '%s;%s;%s' % (labels(s.exemplar.labels),
                                           floatToGoString(s.exemplar.value),
                                           millis(s.exemplar.timestamp))
                    lines.append('\t'.join([s.name, labels(s.labels), floatToGoString(s.value),
                                            millis(s.timestamp), ex]))
            out.append('== ' + name)
            out.extend(lines)
        except Exception as e:  # report and go on with the next case
            out.append('!! %s %r' % (name, e))
    sys.stdout.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
