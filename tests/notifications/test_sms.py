import io
import time

import pytest
from django.core.exceptions import ValidationError

from notifications.sms import SMSError, build_message, get_backend, segment_count, send_sms
from notifications.sms.backends.console import SMSBackend as ConsoleBackend
from tests.notifications.fake_sms_gateway import start_fake_gateway

SIGNATURE = "【大庆市社工委】"  # 8 characters


@pytest.fixture(autouse=True)
def _signature(settings):
    settings.SMS_SIGNATURE = SIGNATURE
    settings.SMS_MAX_SEGMENTS = 3


def test_locmem_backend_keeps_the_message_with_its_signature(sms_outbox):
    message_id = send_sms("+86 139-1234-5678", "您已报名：社区工作实务。")
    assert message_id == "locmem-1"
    [message] = sms_outbox
    assert message.number == "13912345678"
    assert message.content == "【大庆市社工委】您已报名：社区工作实务。"
    assert message.segments == 1


def test_console_backend_prints_the_message():
    stream = io.StringIO()
    backend = get_backend("notifications.sms.backends.console.SMSBackend", stream=stream)
    assert isinstance(backend, ConsoleBackend)
    message_id = backend.send(build_message("13912345678", "验证码 123456"))
    assert message_id.startswith("console-")
    assert "13912345678" in stream.getvalue()
    assert "【大庆市社工委】验证码 123456" in stream.getvalue()


def test_a_number_that_is_not_a_mainland_mobile_is_refused(sms_outbox):
    with pytest.raises(ValidationError):
        send_sms("12345", "text")
    assert sms_outbox == []


@pytest.mark.parametrize(
    ("length", "segments"),
    [(70, 1), (71, 2), (134, 2), (135, 3), (201, 3)],
)
def test_segments_of_67_once_a_message_passes_70_characters(length, segments):
    assert segment_count("字" * length) == segments


def test_the_signature_counts_towards_the_70_characters(sms_outbox):
    send_sms("13912345678", "字" * (70 - len(SIGNATURE)))
    send_sms("13912345678", "字" * (71 - len(SIGNATURE)))
    assert [message.segments for message in sms_outbox] == [1, 2]


def test_a_message_longer_than_the_segment_limit_is_shortened_to_fit(sms_outbox, settings):
    settings.SMS_MAX_SEGMENTS = 2
    send_sms("13912345678", "长" * 500)
    [message] = sms_outbox
    assert len(message.content) == 2 * 67
    assert message.content.endswith("长…")
    assert message.segments == 2


def test_template_ids_are_looked_up_by_kind(sms_outbox, settings):
    settings.SMS_TEMPLATE_IDS = {"training.enrolled": "SMS_1002"}
    send_sms("13912345678", "报名成功", kind="training.enrolled")
    send_sms("13912345678", "其他", kind="training.other")
    assert [message.template_id for message in sms_outbox] == ["SMS_1002", ""]


def test_http_backend_delivers_to_the_gateway_with_key_and_signature(sms_gateway, settings):
    settings.SMS_TEMPLATE_IDS = {"account.code": "SMS_1"}
    message_id = send_sms("13912345678", "您的验证码是 123456", kind="account.code")
    [message] = sms_gateway.messages
    assert message_id == message["id"] == "fake-1"
    assert message["to"] == "13912345678"
    assert message["signature"] == SIGNATURE
    assert message["text"] == "您的验证码是 123456"
    assert (message["template_id"], message["segments"]) == ("SMS_1", 1)


def test_http_backend_reports_segments_of_a_long_message(sms_gateway):
    send_sms("13912345678", "长" * 100)
    assert sms_gateway.messages[0]["segments"] == 2


def test_a_failing_gateway_raises_sms_error_and_nothing_is_recorded_as_sent(sms_gateway):
    sms_gateway.fail_next(1, status=503)
    with pytest.raises(SMSError) as error:
        send_sms("13912345678", "一")
    assert "503" in str(error.value)
    assert error.value.retry_after is None
    assert sms_gateway.messages == []
    # The next try goes through.
    send_sms("13912345678", "一")
    assert sms_gateway.texts_to("13912345678") == ["一"]


def test_a_rate_limited_answer_carries_the_gateways_retry_after(sms_gateway):
    sms_gateway.rate_limit_next(1, retry_after=7)
    with pytest.raises(SMSError) as error:
        send_sms("13912345678", "一")
    assert error.value.retry_after == 7
    assert sms_gateway.requests[0][0] == 429


def test_a_wrong_key_is_an_sms_error(sms_gateway, settings):
    settings.SMS_GATEWAY_KEY = "not-the-key"
    with pytest.raises(SMSError, match="401"):
        send_sms("13912345678", "一")
    assert sms_gateway.messages == []


def test_an_unreachable_gateway_is_an_sms_error(settings):
    url, gateway = start_fake_gateway()
    gateway.stop()  # nothing listens on the port any more
    settings.SMS_BACKEND = "notifications.sms.backends.http.SMSBackend"
    settings.SMS_GATEWAY_URL = url
    settings.SMS_GATEWAY_KEY = "k"
    settings.SMS_GATEWAY_TIMEOUT = 2
    with pytest.raises(SMSError, match="not reachable"):
        send_sms("13912345678", "一")


def test_the_client_side_rate_limit_spaces_requests_out(sms_gateway, settings):
    settings.SMS_RATE_PER_SECOND = 10
    started = time.monotonic()
    for _ in range(6):
        send_sms("13912345678", "一")
    # Six requests at ten a second: the last may go 0.5 s after the first.
    assert time.monotonic() - started >= 0.45
    assert len(sms_gateway.messages) == 6
