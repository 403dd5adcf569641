"""plugd python driver: a notebook-like persistent interpreter.

Control messages are JSON lines on fd 3 (requests in) and fd 4 (replies out), so
nothing user code prints can be mistaken for a reply. During a cell, fds 1 and 2
point at a temporary file: prints, warnings, tracebacks and subprocesses (`!ls`)
are captured in the order they happened. stdin is /dev/null.
"""
import ast
import base64
import io
import json
import os
import re
import signal
import sys
import tempfile
import traceback

os.environ.setdefault("MPLBACKEND", "Agg")

CONTROL_IN = 3
CONTROL_OUT = 4
MAX_OUTPUT = 200_000
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")

for fd in (CONTROL_IN, CONTROL_OUT):
    os.set_inheritable(fd, False)
requests = os.fdopen(CONTROL_IN, "rb", buffering=0)
replies = os.fdopen(CONTROL_OUT, "wb", buffering=0)

shell = None
try:
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.colors = "NoColor"
    namespace = shell.user_ns
except Exception:  # IPython missing or broken: plain python
    shell = None
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}


def current_dir():
    """os.getcwd(), or where it was when that directory has been deleted (never raises)."""
    try:
        return os.getcwd()
    except OSError:
        return os.environ.get("PWD", "")


def follow(path):
    """Changes to the shell's directory; a deleted or unreadable one leaves the cwd as is."""
    try:
        os.chdir(path)
        os.environ["PWD"] = path
    except OSError:
        pass


def load_agent_skills():
    """OpenHands' agent_skills functions (plugd's own module next to this driver) in the namespace."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        import plugd_agent_skills

        for name in plugd_agent_skills.__all__:
            namespace.setdefault(name, getattr(plugd_agent_skills, name))
    except Exception as error:  # never a reason for the kernel not to start
        sys.stderr.write("[agent_skills not loaded: %s]\n" % error)
    finally:
        sys.path.pop(0)


def send(message):
    replies.write((json.dumps(message) + "\n").encode("utf-8"))


def transform(code):
    """IPython syntax (%magic, !cmd) to plain python when IPython is there."""
    if shell is None:
        return code
    return shell.transform_cell(code)


def show(value):
    if value is None:
        return
    if shell is not None:
        namespace["_"] = value
    try:
        text = repr(value)
    except Exception as error:  # a broken __repr__ must not hide the cell's output
        text = "<repr failed: %r>" % (error,)
    sys.stdout.write(text + "\n")


def user_traceback(error):
    """The traceback without the driver's own frames."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    if isinstance(error, SyntaxError):
        return "".join(traceback.format_exception_only(type(error), error))
    return "".join(traceback.format_exception(type(error), error, tb))


def execute(code):
    """Runs a cell: every statement, then the last one, if an expression, is shown."""
    source = transform(code)
    tree = ast.parse(source, filename="<cell>", mode="exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    if tree.body:
        exec(compile(tree, "<cell>", "exec"), namespace)
    if last is not None:
        show(eval(compile(last, "<cell>", "eval"), namespace))


def figures():
    """Open matplotlib figures as PNG data URLs (then closed), if matplotlib is in use."""
    if "matplotlib.pyplot" not in sys.modules:
        return []
    urls = []
    try:
        plt = sys.modules["matplotlib.pyplot"]
        for number in plt.get_fignums():
            buffer = io.BytesIO()
            plt.figure(number).savefig(buffer, format="png", bbox_inches="tight")
            urls.append("data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"))
        plt.close("all")
    except Exception as error:
        sys.stderr.write("[could not render matplotlib figures: %s]\n" % error)
    return urls


class Capture:
    """Points fds 1 and 2 (and sys.stdout/err) at one temporary file for a cell."""

    def __enter__(self):
        sys.stdout.flush()
        sys.stderr.flush()
        self.file = tempfile.TemporaryFile()
        self.saved = (os.dup(1), os.dup(2))
        os.dup2(self.file.fileno(), 1)
        os.dup2(self.file.fileno(), 2)
        self.streams = (sys.stdout, sys.stderr)
        out = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="replace", write_through=True)
        sys.stdout = out
        sys.stderr = out
        return self

    def __exit__(self, *exc):
        try:
            sys.stdout.flush()
        except Exception:
            pass
        sys.stdout, sys.stderr = self.streams
        os.dup2(self.saved[0], 1)
        os.dup2(self.saved[1], 2)
        os.close(self.saved[0])
        os.close(self.saved[1])
        return False

    def text(self):
        size = self.file.seek(0, io.SEEK_END)
        if size > MAX_OUTPUT:
            half = MAX_OUTPUT // 2
            self.file.seek(0)
            head = self.file.read(half)
            self.file.seek(size - half)
            tail = self.file.read(half)
            data = head + ("\n[... %d bytes of output omitted ...]\n" % (size - 2 * half)).encode() + tail
        else:
            self.file.seek(0)
            data = self.file.read()
        self.file.close()
        return ANSI.sub("", data.decode("utf-8", errors="replace"))


def run_cell(code):
    status = "ok"
    images = []
    with Capture() as capture:
        try:
            execute(code)
        except KeyboardInterrupt as error:
            status = "interrupted"
            sys.stdout.write(user_traceback(error))
        except SystemExit as error:
            status = "error"
            sys.stdout.write("SystemExit: %s\n" % (error.code,))
        except BaseException as error:
            status = "error"
            sys.stdout.write(user_traceback(error))
        try:
            images = figures()
        except BaseException:
            pass
    return status, capture.text(), images


def main():
    load_agent_skills()
    send({"ready": True, "ipython": shell is not None, "executable": sys.executable, "cwd": current_dir(), "pid": os.getpid()})
    while True:
        try:
            line = requests.readline()
        except KeyboardInterrupt:
            continue  # an interrupt that arrived between cells
        if not line:
            return
        try:
            request = json.loads(line)
            if request.get("cwd"):
                follow(request["cwd"])
            status, output, images = run_cell(request["code"])
            send({"id": request["id"], "status": status, "output": output, "images": images, "cwd": current_dir(), "executable": sys.executable})
        except KeyboardInterrupt:
            send({"id": request.get("id"), "status": "interrupted", "output": "", "images": [], "cwd": current_dir(), "executable": sys.executable})


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    main()
