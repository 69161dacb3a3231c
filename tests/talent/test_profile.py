from tests.factories import UserFactory


def test_trainee_changes_their_phone(client, trainee):
    client.force_login(trainee)
    response = client.post(
        "/talent/me/",
        {"mobile": "+86 138 0000 9999", "email": "new@example.org", "preferred_language": "en"},
        follow=True,
    )
    trainee.practitioner.refresh_from_db()
    assert trainee.practitioner.mobile == "13800009999"
    assert trainee.practitioner.email == "new@example.org"
    assert trainee.practitioner.preferred_language == "en"
    assert "13800009999" in response.content.decode()


def test_trainee_cannot_change_id_name_or_qualification(client, trainee):
    practitioner = trainee.practitioner
    before = (practitioner.name, practitioner.resident_id, practitioner.qualification_level)
    client.force_login(trainee)
    client.post(
        "/talent/me/",
        {
            "mobile": "13800009999",
            "preferred_language": "zh-hans",
            "name": "改名",
            "resident_id": "11010519491231002X",
            "qualification_level": "senior",
        },
    )
    practitioner.refresh_from_db()
    assert (practitioner.name, practitioner.resident_id, practitioner.qualification_level) == before
    assert practitioner.mobile == "13800009999"


def test_bad_phone_is_refused_and_nothing_changes(client, trainee):
    old_mobile = trainee.practitioner.mobile
    client.force_login(trainee)
    response = client.post("/talent/me/", {"mobile": "12345", "email": ""})
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["mobile"][0].code == "invalid_mobile"
    trainee.practitioner.refresh_from_db()
    assert trainee.practitioner.mobile == old_mobile


def test_account_without_a_record_gets_a_clear_page(client, db):
    client.force_login(UserFactory())
    response = client.get("/talent/me/")
    assert response.status_code == 404
    assert "未关联人才库记录" in response.content.decode()
