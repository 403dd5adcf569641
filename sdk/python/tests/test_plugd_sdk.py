"""plugd_sdk's own tests: `python3 -m unittest` in sdk/python (pnpm test runs them too).

The protocol tests start real plugin processes on real pipes, as plugd does."""
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

import plugd_sdk as plugd  # noqa: E402
from plugd_sdk import Field, check_args  # noqa: E402

FIXTURE = os.path.join(HERE, "fixture_plugin.py")
EXAMPLE = os.path.join(HERE, "..", "examples", "my_tool.py")
DEADLINE = 20.0  # seconds; generous, for a loaded machine


class Plugin(object):
    """A plugin process spoken to over its stdio, the way plugd does."""

    def __init__(self, path, env=None):
        full_env = dict(os.environ, PLUGD_PROTOCOL="1")
        full_env.update(env or {})
        self.proc = subprocess.Popen([sys.executable, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=full_env, start_new_session=True)
        self.messages = queue.Queue()
        self.raw = bytearray()
        self.stderr = bytearray()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr.read()), daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            header = out.readline()
            if not header:
                self.messages.put(None)
                return
            self.raw += header
            if header.startswith(b"{") and header.endswith(b"\n"):
                self.messages.put(json.loads(header))  # a line: newline-delimited JSON, negotiated
                continue
            if not header.startswith(b"Content-Length: "):
                self.messages.put({"garbage": header.decode("utf-8", "replace")})
                continue
            length = int(header.split(b":")[1])
            blank = out.readline()
            body = out.read(length)
            self.raw += blank + body
            self.messages.put(json.loads(body))

    def send(self, message, line=False):
        body = json.dumps(dict(message, jsonrpc="2.0")).encode("utf-8")
        self.write_raw(body + b"\n" if line else b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def write_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def request(self, method, params=None):
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params if params is not None else {}})
        return self.next_id

    def notify(self, method, params=None):
        self.send({"method": method, "params": params if params is not None else {}})

    def next(self, predicate=lambda m: True):
        """The next message matching predicate (others are kept in `seen`)."""
        end = time.monotonic() + DEADLINE
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError("no matching message within %s s; stderr: %s" % (DEADLINE, self.stderr.decode()))
            message = self.messages.get(timeout=left)
            if message is None:
                raise AssertionError("the plugin closed stdout; stderr: %s" % self.stderr.decode())
            if "garbage" in message:
                raise AssertionError("not a frame on stdout: %r" % message["garbage"])
            if predicate(message):
                return message

    def answer(self, mid):
        return self.next(lambda m: m.get("id") == mid and "method" not in m)

    def initialize(self, config=None):
        return self.answer(self.request("initialize", {"protocolVersion": 1, "name": "fx", "username": "alice",
                                                       "config": config or {}, "trace": "off"}))

    def run(self, action, timeout_ms=None):
        params = {"action": action}
        if timeout_ms is not None:
            params["timeoutMs"] = timeout_ms
        return self.request("run", params)

    def wait_exit(self):
        return self.proc.wait(timeout=DEADLINE)

    def close(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait(timeout=DEADLINE)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except OSError:
                pass


class ArgsTest(unittest.TestCase):
    def test_names_every_bad_field(self):
        _, problems = check_args({"text": str, "n": Field(int, min=1), "mode": Field(str, choices=["a", "b"])},
                                 {"text": 3, "n": 0, "mode": "c"})
        self.assertEqual(problems, ["args.text: expected string, got integer", "args.n: must be at least 1, got 0",
                                    'args.mode: expected one of "a", "b", got "c"'])

    def test_missing_field_defaults_and_unknown_fields(self):
        parsed, problems = check_args({"a": str, "b": Field(int, default=7), "c": Field(str, optional=True)},
                                      {"newer": True})
        self.assertEqual(problems, ["args.a: required (string)"])
        self.assertEqual(parsed["b"], 7)
        self.assertIsNone(parsed["c"])
        self.assertTrue(parsed["newer"])  # kept: a newer runtime may send more

    def test_a_bool_is_not_an_int_and_list_items_are_checked(self):
        _, problems = check_args({"n": int, "xs": Field(list, items=str)}, {"n": True, "xs": ["a", 2]})
        self.assertEqual(problems, ["args.n: expected integer, got boolean", "args.xs[1]: expected string, got integer"])

    def test_call_runs_a_handler_without_transport(self):
        plugin = plugd.Plugin("t", "1")

        @plugin.action("twice", args={"x": int})
        def twice(args, ctx):
            return plugd.observation("twice", str(args["x"] * 2))

        self.assertEqual(plugin.call({"action": "twice", "args": {"x": 21}})["content"], "42")
        bad = plugin.call({"action": "twice", "args": {"x": "21"}})
        self.assertEqual(bad["extras"], {"error_id": "INVALID_ACTION"})
        self.assertIn("args.x: expected integer, got string", bad["content"])
        other = plugin.call({"action": "nope", "args": {}})
        self.assertIn('does not handle action type "nope"; it handles: twice', other["content"])

    def test_async_handlers_run(self):
        plugin = plugd.Plugin("t", "1")

        @plugin.action("later")
        async def later(args, ctx):
            return plugd.observation("later", "done")

        self.assertEqual(plugin.call({"action": "later", "args": {}})["content"], "done")

    def test_the_sdk_is_python_3_8_syntax(self):
        import ast
        with open(os.path.join(HERE, "..", "plugd_sdk.py"), encoding="utf-8") as f:
            ast.parse(f.read(), feature_version=(3, 8))  # raises SyntaxError on newer syntax

    def test_work_timeout_keeps_a_margin_before_the_deadline(self):
        self.assertAlmostEqual(plugd.work_timeout(None, 10.0, now=0.0), 8.0)
        self.assertAlmostEqual(plugd.work_timeout(2, 10.0, now=0.0), 2.0)
        self.assertAlmostEqual(plugd.work_timeout(None, 0.01, now=0.0), 0.05)


class IdempotentTest(unittest.TestCase):
    def test_bad_idempotent_rules_fail_at_plugin_naming_the_rule(self):
        cases = [([""], "idempotent[0]"), (["read", 7], "idempotent[1]"),
                 ([{"action": "edit", "args": {"command": []}}], "idempotent[0].args.command"),
                 ([{"action": "edit", "when": 1}], "unknown key(s) when"), ([{"args": {}}], "idempotent[0]")]
        for rules, message in cases:
            with self.assertRaises(ValueError) as raised:
                plugd.Plugin("p", "1", idempotent=rules)
            self.assertIn(message, str(raised.exception))

    def test_no_idempotent_rules_leave_the_field_out(self):
        self.assertEqual(plugd.Plugin("p", "1").idempotent, [])

    def test_execute_outside_a_served_action_is_refused_without_transport(self):
        plugin = plugd.Plugin("p", "1")

        @plugin.action("relay")
        def relay(args, ctx):
            return ctx.execute({"action": "read", "args": {}})

        got = plugin.call({"action": "relay", "args": {}})
        self.assertEqual(got["extras"], {"error_id": "CALL_REFUSED"})
        self.assertIn("only inside an action served by plugd", got["content"])


class ExecuteTest(unittest.TestCase):
    """ctx.execute over real pipes: the plugin sends plugd/execute, the test answers as plugd."""

    def start(self):
        plugin = Plugin(FIXTURE)
        self.addCleanup(plugin.close)
        plugin.initialize()
        return plugin

    @staticmethod
    def call(plugin, run_id):
        return plugin.next(lambda m: m.get("method") == "plugd/execute" and m["params"]["requestId"] == run_id)

    @staticmethod
    def relayed(answer):
        return json.loads(answer["result"]["content"])

    def test_sends_plugd_execute_with_the_run_id_and_returns_the_observation(self):
        plugin = self.start()
        action = {"action": "read", "args": {"path": "/x"}}
        run = plugin.run({"action": "relay", "args": {"call": action}})
        request = self.call(plugin, run)
        self.assertEqual(request["params"], {"action": action, "requestId": run})
        self.assertIsInstance(request["id"], int)
        obs = {"observation": "read", "content": "hello", "extras": {"path": "/x"}}
        plugin.send({"id": request["id"], "result": obs})
        self.assertEqual(self.relayed(plugin.answer(run)), obs)

    def test_concurrent_calls_each_get_their_own_answer_out_of_order(self):
        plugin = self.start()
        runs = [plugin.run({"action": "relay", "args": {"call": {"action": "read", "args": {"n": n}}}}) for n in range(3)]
        # The three handlers run on their own threads: their calls arrive in any order.
        requests = {}
        while len(requests) < 3:
            m = plugin.next(lambda m: m.get("method") == "plugd/execute")
            requests[m["params"]["requestId"]] = m
        self.assertEqual(len({r["id"] for r in requests.values()}), 3)  # one id per call
        for n in (2, 0, 1):
            plugin.send({"id": requests[runs[n]]["id"], "result": {"observation": "read", "content": "n=%d" % n, "extras": {}}})
        answers = {}
        while len(answers) < 3:
            m = plugin.next(lambda m: m.get("id") in runs and "method" not in m)
            answers[m["id"]] = self.relayed(m)["content"]
        self.assertEqual(answers, {run: "n=%d" % n for n, run in enumerate(runs)})

    def test_a_refusal_comes_back_as_is_and_a_json_rpc_error_becomes_call_refused(self):
        plugin = self.start()
        refused = {"observation": "error", "content": "plugd refused the call: not in calls.", "extras": {"error_id": "CALL_REFUSED"}}
        run = plugin.run({"action": "relay", "args": {"call": {"action": "run", "args": {}}}})
        plugin.send({"id": self.call(plugin, run)["id"], "result": refused})
        self.assertEqual(self.relayed(plugin.answer(run)), refused)
        run = plugin.run({"action": "relay", "args": {"call": {"action": "run", "args": {}}}})
        plugin.send({"id": self.call(plugin, run)["id"], "error": {"code": -32602, "message": "bad plugd/execute params"}})
        got = self.relayed(plugin.answer(run))
        self.assertEqual(got["extras"], {"error_id": "CALL_REFUSED"})
        self.assertIn("bad plugd/execute params", got["content"])

    def test_a_cancelled_caller_stops_waiting_and_a_late_answer_is_ignored(self):
        plugin = self.start()
        run = plugin.run({"action": "relay", "args": {"call": {"action": "run", "args": {}}}})
        request = self.call(plugin, run)
        plugin.notify("$/cancelRequest", {"id": run})
        got = self.relayed(plugin.answer(run))
        self.assertEqual(got["extras"], {"error_id": "CALL_REFUSED"})
        self.assertIn("cancelled", got["content"])
        plugin.send({"id": request["id"], "result": {"observation": "run", "content": "late", "extras": {}}})
        self.assertEqual(plugin.answer(plugin.request("$/ping"))["result"], {})  # still serving

    def test_a_call_never_outlives_the_callers_deadline(self):
        plugin = self.start()
        started = time.monotonic()
        run = plugin.run({"action": "relay", "args": {"call": {"action": "run", "args": {}}}}, timeout_ms=600)
        self.call(plugin, run)  # never answered
        got = self.relayed(plugin.answer(run))
        self.assertEqual(got["extras"], {"error_id": "ACTION_TIMEOUT"})
        self.assertLess(time.monotonic() - started, DEADLINE / 2)

    def test_a_call_that_cannot_be_sent_is_refused_and_nothing_is_written(self):
        plugin = self.start()
        run = plugin.run({"action": "relay", "args": {"call": {"args": {}}}})
        got = self.relayed(plugin.answer(run))
        self.assertEqual(got["extras"], {"error_id": "CALL_REFUSED"})
        self.assertIn('needs an Action {"action"', got["content"])
        self.assertNotIn(b"plugd/execute", bytes(plugin.raw))


class ProtocolTest(unittest.TestCase):
    def start(self, path=FIXTURE, env=None):
        plugin = Plugin(path, env)
        self.addCleanup(plugin.close)
        return plugin

    def test_refuses_to_start_by_hand_in_one_line(self):
        env = dict(os.environ)
        env.pop("PLUGD_PROTOCOL", None)
        done = subprocess.run([sys.executable, FIXTURE], env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=DEADLINE)
        self.assertEqual(done.returncode, 2)
        self.assertEqual(done.stdout, b"")
        lines = done.stderr.decode().strip().split("\n")
        self.assertEqual(len(lines), 1)
        self.assertIn("this is a plugd plugin", lines[0])
        self.assertIn("PLUGD_PROTOCOL=1", lines[0])

    def test_handshake_names_its_actions_and_capabilities(self):
        plugin = self.start()
        result = plugin.initialize()["result"]
        self.assertEqual(result["name"], "fixture")
        self.assertEqual(result["version"], "1.2.3")
        self.assertEqual(result["protocolVersion"], 1)
        self.assertEqual(sorted(result["actions"]), ["bad_return", "boom", "crash_once", "relay", "shout", "sleep", "spawn_child", "stray"])
        self.assertEqual(result["capabilities"], {"concurrency": 4, "progress": True})
        self.assertEqual(result["framing"], ["ndjson", "content-length"])
        self.assertEqual(result["idempotent"], ["shout", "crash_once", {"action": "sleep", "args": {"seconds": [0]}}])

    def test_switches_to_ndjson_at_initialized_when_asked_reading_the_lines_after_it(self):
        plugin = self.start()
        plugin.initialize()
        before = len(plugin.raw)
        # `initialized` in Content-Length and a `run` as a line, in one write.
        body = json.dumps({"jsonrpc": "2.0", "method": "initialized", "params": {"framing": "ndjson"}}).encode("utf-8")
        run = {"jsonrpc": "2.0", "id": 50, "method": "run", "params": {"action": {"action": "shout", "args": {"text": "lines"}}}}
        plugin.write_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body + json.dumps(run).encode("utf-8") + b"\n")
        self.assertEqual(plugin.answer(50)["result"]["content"], "LINES")
        plugin.send({"id": 51, "method": "$/ping", "params": {}}, line=True)
        self.assertEqual(plugin.answer(51)["result"], {})
        after = bytes(plugin.raw[before:])
        self.assertNotIn(b"Content-Length", after)
        self.assertTrue(after.startswith(b'{"jsonrpc":"2.0","id":50,"result":'), after[:80])

    def test_stays_on_content_length_when_initialized_does_not_ask(self):
        plugin = self.start()
        plugin.initialize()
        plugin.notify("initialized", {})
        before = len(plugin.raw)
        self.assertEqual(plugin.answer(plugin.request("$/ping"))["result"], {})
        self.assertTrue(bytes(plugin.raw[before:]).startswith(b"Content-Length: "))

    def test_initialize_that_raises_fails_the_start_with_its_message(self):
        plugin = self.start()
        answer = plugin.initialize({"fail": True})
        self.assertEqual(answer["error"]["message"], "config says fail")

    def test_runs_an_action_and_checks_its_args(self):
        plugin = self.start()
        plugin.initialize()
        ok = plugin.answer(plugin.run({"action": "shout", "args": {"text": "hi", "times": 2}}))["result"]
        self.assertEqual(ok, {"observation": "shout", "content": "HIHI", "extras": {"user": "alice"}})
        bad = plugin.answer(plugin.run({"action": "shout", "args": {"text": 5, "times": 9}}))["result"]
        self.assertEqual(bad["observation"], "error")
        self.assertEqual(bad["extras"], {"error_id": "INVALID_ACTION"})
        self.assertIn("args.text: expected string, got integer", bad["content"])
        self.assertIn("args.times: must be at most 5, got 9", bad["content"])

    def test_a_raise_or_a_bad_return_is_a_plugin_error_and_the_plugin_keeps_serving(self):
        plugin = self.start()
        plugin.initialize()
        boom = plugin.answer(plugin.run({"action": "boom", "args": {}}))["result"]
        self.assertEqual(boom["extras"], {"error_id": "PLUGIN_ERROR"})
        self.assertIn("ValueError: kaboom", boom["content"])
        bad = plugin.answer(plugin.run({"action": "bad_return", "args": {}}))["result"]
        self.assertIn("not an Observation", bad["content"])
        self.assertEqual(plugin.answer(plugin.request("$/ping"))["result"], {})

    def test_answers_ping_and_runs_others_while_an_action_runs(self):
        plugin = self.start()
        plugin.initialize()
        slow = plugin.run({"action": "sleep", "args": {"seconds": 30}})
        plugin.next(lambda m: m.get("method") == "plugd/progress" and m["params"] == {"id": slow, "content": "sleeping\n"})
        log = plugin.next(lambda m: m.get("method") == "plugd/log")
        self.assertEqual(log["params"], {"level": "info", "message": "sleep started", "data": {"seconds": 30}})
        self.assertEqual(plugin.answer(plugin.request("$/ping"))["result"], {})
        quick = plugin.answer(plugin.run({"action": "shout", "args": {"text": "meanwhile"}}))
        self.assertEqual(quick["result"]["content"], "MEANWHILE")
        plugin.notify("$/cancelRequest", {"id": slow})
        self.assertEqual(plugin.answer(slow)["result"]["content"], "cancelled")

    def test_stray_prints_and_child_output_never_reach_the_wire(self):
        plugin = self.start()
        plugin.initialize()
        answer = plugin.answer(plugin.run({"action": "stray", "args": {}}))
        self.assertEqual(answer["result"]["content"], "still framed")
        plugin.answer(plugin.request("shutdown"))
        plugin.notify("exit")
        self.assertEqual(plugin.wait_exit(), 0)
        time.sleep(0.2)  # the stderr reader drains
        self.assertNotIn(b"a stray print", bytes(plugin.raw))
        self.assertNotIn(b"raw bytes", bytes(plugin.raw))
        self.assertNotIn(b"child's stdout", bytes(plugin.raw))
        self.assertIn(b"a stray print", bytes(plugin.stderr))
        self.assertIn(b"raw bytes on fd 1", bytes(plugin.stderr))
        self.assertIn(b"a child's stdout", bytes(plugin.stderr))

    def test_shutdown_then_exit_ends_with_code_0(self):
        plugin = self.start()
        plugin.initialize()
        self.assertIsNone(plugin.answer(plugin.request("shutdown"))["result"])
        plugin.notify("exit")
        self.assertEqual(plugin.wait_exit(), 0)

    def test_unknown_requests_get_method_not_found(self):
        plugin = self.start()
        self.assertEqual(plugin.answer(plugin.request("frobnicate"))["error"]["code"], -32601)

    def test_stdin_eof_ends_the_plugin_and_its_children(self):
        plugin = self.start()
        plugin.initialize()
        child = int(plugin.answer(plugin.run({"action": "spawn_child", "args": {}}))["result"]["content"])
        slow = plugin.run({"action": "sleep", "args": {"seconds": 30}})
        plugin.next(lambda m: m.get("method") == "plugd/progress" and m["params"]["id"] == slow)
        plugin.proc.stdin.close()
        plugin.wait_exit()  # killed with its whole process group, as the TypeScript SDK does
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end and _alive(child):
            time.sleep(0.05)
        self.assertFalse(_alive(child), "the plugin's child outlived it")

    def test_a_bad_frame_ends_the_plugin_instead_of_reading_forever(self):
        for header in (b"Content-Length: -5\r\n\r\n", b"Content-Length: 99999999999\r\n\r\n", b"garbage\r\n\r\n"):
            plugin = self.start()
            plugin.proc.stdin.write(header)
            plugin.proc.stdin.flush()
            plugin.wait_exit()
            time.sleep(0.1)
            self.assertIn(b"unreadable input from plugd", bytes(plugin.stderr))

    def test_the_example_runs(self):
        plugin = self.start(EXAMPLE)
        self.assertEqual(sorted(plugin.initialize()["result"]["actions"]), ["countdown", "word_count"])
        answer = plugin.answer(plugin.run({"action": "word_count", "args": {"path": EXAMPLE}}))["result"]
        self.assertRegex(answer["content"], r"^\d+ words in ")
        self.assertGreater(answer["extras"]["words"], 10)
        bad = plugin.answer(plugin.run({"action": "countdown", "args": {"seconds": 0}}))["result"]
        self.assertIn("args.seconds: must be at least 1, got 0", bad["content"])


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


if __name__ == "__main__":
    unittest.main()
