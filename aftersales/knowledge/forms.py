from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.knowledge.choices import Audience


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    problem = forms.CharField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 3}))
    cause = forms.CharField(
        label=_("Cause"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    solution = forms.CharField(label=_("Solution"), widget=forms.Textarea(attrs={"rows": 4}))
    audience = forms.ChoiceField(
        label=_("Who may read it"), choices=Audience.choices, initial=Audience.INTERNAL
    )
