"""`python3 -m unittest`: the handler called directly, then the plugin under a real plugd."""
import json
import os
import shutil
import subprocess
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from plugin import plugin  # noqa: E402  (the Plugin object of plugin.py)

# The plugd command: $PLUGD if set, else `plugd` on PATH, else the plugd that generated this project.
PLUGD = os.environ.get("PLUGD") or shutil.which("plugd") or {{plugdBin}}


def plugd_exec(action):
    """(exit code, Observation) of `plugd exec -c plugd.json ACTION`."""
    done = subprocess.run([PLUGD, "exec", "-c", "plugd.json", json.dumps(action)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    try:
        return done.returncode, json.loads(done.stdout)
    except ValueError:
        raise AssertionError("plugd printed no Observation (exit %s): %s" % (done.returncode, done.stderr))


class CountHandlerTest(unittest.TestCase):
    def test_counts(self):
        answer = plugin.call({"action": "count", "args": {"to": 3, "delay_ms": 0}})
        self.assertEqual(answer, {"observation": "count", "content": "1 2 3", "extras": {"counted": 3}})

    def test_bad_args_name_the_field(self):
        answer = plugin.call({"action": "count", "args": {"to": 0}})
        self.assertEqual(answer["extras"], {"error_id": "INVALID_ACTION"})
        self.assertIn("args.to: must be at least 1, got 0", answer["content"])


class UnderPlugdTest(unittest.TestCase):
    def test_count_runs_under_plugd(self):
        code, answer = plugd_exec({"action": "count", "args": {"to": 3, "delay_ms": 10}})
        self.assertEqual(code, 0)
        self.assertEqual(answer, {"observation": "count", "content": "1 2 3", "extras": {"counted": 3}})

    def test_bad_args_are_refused_with_the_field_named(self):
        code, answer = plugd_exec({"action": "count", "args": {"to": "ten"}})
        self.assertEqual(code, 1)
        self.assertEqual(answer["extras"]["error_id"], "INVALID_ACTION")
        self.assertIn("args.to: expected integer, got string", answer["content"])

    def test_a_count_longer_than_its_timeout_stops_by_itself(self):
        code, answer = plugd_exec({"action": "count", "args": {"to": 10000, "delay_ms": 100}, "timeout": 2})
        self.assertEqual(code, 0)
        self.assertRegex(answer["content"], r"^stopped at the deadline after 1 2")


if __name__ == "__main__":
    unittest.main()
