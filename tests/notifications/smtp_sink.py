"""A real SMTP server on a free local port, for the retry tests and
bench/notifications.py: it speaks enough SMTP for smtplib (Django's SMTP
email backend), records each message, and can be told to refuse.

    sink = start_smtp_sink()
    sink.refuse_next(2)        # the next two connections get "421" and are closed
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
    ...
    sink.messages              # [(mail_from, [rcpt, …], raw bytes), …]
    sink.stop()
"""

import socketserver
import threading
from email import message_from_bytes, policy


class SMTPSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        super().__init__((host, port), _Handler)
        self.lock = threading.Lock()
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.connections = 0
        self.refused = 0
        self._refuse = 0
        self._thread = None

    @property
    def host(self) -> str:
        return self.server_address[0]

    @property
    def port(self) -> int:
        return self.server_address[1]

    def refuse_next(self, times: int = 1) -> None:
        """Greet the next `times` connections with 421 and close them (the server is "down")."""
        with self.lock:
            self._refuse += times

    def should_refuse(self) -> bool:
        with self.lock:
            self.connections += 1
            if self._refuse > 0:
                self._refuse -= 1
                self.refused += 1
                return True
            return False

    def record(self, mail_from: str, rcpt: list[str], data: bytes) -> None:
        with self.lock:
            self.messages.append((mail_from, rcpt, data))

    def recipients(self) -> list[str]:
        with self.lock:
            return [address for _from, rcpt, _data in self.messages for address in rcpt]

    def parsed(self) -> list:
        with self.lock:
            return [message_from_bytes(data, policy=policy.default) for _f, _r, data in self.messages]

    def start(self) -> "SMTPSink":
        self._thread = threading.Thread(target=self.serve_forever, name="smtp-sink", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


class _Handler(socketserver.StreamRequestHandler):
    server: SMTPSink

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        if self.server.should_refuse():
            self.reply("421 smtp-sink: service not available, try again later")
            return
        self.reply("220 smtp-sink ESMTP ready")
        mail_from, rcpt = "", []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("utf-8", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-smtp-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                self.wfile.flush()
            elif verb == "HELO":
                self.reply("250 smtp-sink")
            elif verb == "MAIL":
                mail_from, rcpt = command[10:].split(" ")[0].strip("<>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                rcpt.append(command[8:].split(" ")[0].strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    data_line = self.rfile.readline()
                    if not data_line or data_line in (b".\r\n", b".\n"):
                        break
                    lines.append(data_line[1:] if data_line.startswith(b"..") else data_line)
                self.server.record(mail_from, rcpt, b"".join(lines))
                self.reply("250 OK: queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


def start_smtp_sink(host: str = "127.0.0.1", port: int = 0) -> SMTPSink:
    return SMTPSink(host, port).start()
