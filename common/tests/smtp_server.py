"""A mail server for tests, on a free port of 127.0.0.1, answering each SMTP command by a script."""

import socketserver
import threading


class ScriptedMailServer(socketserver.ThreadingTCPServer):
    """Greets, then answers each command with ``replies[verb]`` (default ``250 OK``); QUIT ends."""

    allow_reuse_address = True
    daemon_threads = True

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            self.wfile.write(b"220 localhost ESMTP test\r\n")
            for line in self.rfile:
                verb = line.strip().split(b" ", 1)[0].upper().decode()
                if verb == "QUIT":
                    self.wfile.write(b"221 bye\r\n")
                    return
                self.wfile.write(self.server.replies.get(verb, "250 OK").encode() + b"\r\n")

    def __init__(self, replies: dict[str, str] | None = None):
        super().__init__(("127.0.0.1", 0), self.Handler)
        self.replies = replies or {}
        self.port = self.server_address[1]

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
