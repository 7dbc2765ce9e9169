"""Required-field errors name the field in words."""

from django import forms

from core.templatetags.form_words import error_words


class Sample(forms.Form):
    title = forms.CharField(label="Job title")
    name = forms.CharField(label="Your name")
    password = forms.CharField(label="Choose a password")
    track = forms.ChoiceField(label="Track", choices=[("a", "A")], widget=forms.RadioSelect)
    upload = forms.FileField(label="CSV file")
    agree = forms.BooleanField(label="I agree")


def test_required_errors_name_the_field():
    form = Sample(data={})
    required = "This field is required."
    assert error_words(required, form["title"]) == "Enter the job title."
    assert error_words(required, form["name"]) == "Enter your name."
    assert error_words(required, form["password"]) == "Choose a password."
    assert error_words(required, form["track"]) == "Choose the track."
    assert error_words(required, form["upload"]) == "Choose the CSV file."
    assert error_words(required, form["agree"]) == "Tick “I agree” to continue."
    assert error_words("Too long.", form["title"]) == "Too long."
