import factory
from django.contrib.auth.models import Group

from aftersales.accounts.models import Region, Skill, Team, User
from aftersales.accounts.roles import Role


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"region-{n}")
    name = factory.Sequence(lambda n: f"区域{n}")


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"skill-{n}")
    name = factory.Sequence(lambda n: f"技能{n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A user with the given roles: UserFactory(roles=["engineer"])."""

    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    display_name = factory.LazyAttribute(lambda u: u.username)
    password = factory.django.Password("pw-for-tests")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        roles = list(extracted or [])
        if self.organisation_id is not None and Role.CUSTOMER not in roles:
            roles.append(Role.CUSTOMER)
        if roles:
            self.groups.set(Group.objects.filter(name__in=roles))
            self.is_staff = Role.CUSTOMER not in roles
            self.save(update_fields=["is_staff"])
        self.__dict__.pop("roles", None)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["code"]
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"team-{n}")
    name = factory.Sequence(lambda n: f"团队{n}")
    kind = "onsite"

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if extracted:
            self.members.add(*extracted)
