"""Login steps after the password: the first-login change and the second factor (TOTP)."""

from __future__ import annotations

from base64 import b32encode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import record_event


class PasswordChangeView(auth_views.PasswordChangeView):
    """One's own password; required before anything else after a temporary one."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = self.request.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        record_event(action="auth.password.changed", request=self.request, user=user)
        messages.success(self.request, "密码已修改。")
        return response


class TokenForm(forms.Form):
    token = forms.CharField(label="动态口令", max_length=6, min_length=6,
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
                            help_text="手机验证器（如微信小程序、Google Authenticator、Microsoft Authenticator）显示的 6 位数字。")

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("动态口令是 6 位数字。")
        return token


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse_lazy("home")


@login_required
def otp_setup(request):
    """Bind an authenticator app: scan the QR code, type the first code."""
    user = request.user
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        return redirect("otp_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="手机验证器", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            record_event(action="auth.otp.enrolled", request=request, user=user)
            messages.success(request, "动态口令已绑定，以后每次登录都需要输入。")
            return redirect(_next_url(request))
        record_event(action="auth.otp.failed", request=request, user=user, succeeded=False, detail="绑定时")
        form.add_error("token", "动态口令不正确，请核对手机时间后重新输入。")
    qr = segno.make(device.config_url, error="m")
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "registration/otp_setup.html", {
        "form": form, "qr_data_uri": qr.svg_data_uri(scale=5), "secret": secret, "next": _next_url(request),
    })


@login_required
def otp_verify(request):
    """The second step of every login for roles that need it."""
    user = request.user
    devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
    if not devices:
        return redirect("otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            if device.verify_is_allowed()[0] and device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                record_event(action="auth.otp.verified", request=request, user=user)
                return redirect(_next_url(request))
        record_event(action="auth.otp.failed", request=request, user=user, succeeded=False)
        form.add_error("token", "动态口令不正确或已过期，请重新输入。连续输错会暂时无法验证。")
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)})
