from django.urls import path

from actionplan.views import adoption, home, items, plans

app_name = "actionplan"

urlpatterns = [
    path("", home.home, name="home"),
    # Plans
    path("plans/", plans.plan_list, name="plans"),
    path("plans/start/", plans.adopt, name="adopt"),
    path("plans/<int:plan_id>/", plans.dashboard, name="plan"),
    path("plans/<int:plan_id>/items/", plans.item_list, name="items"),
    path("plans/<int:plan_id>/dimensions/<slug:dimension>/", plans.item_list, name="dimension"),
    path("plans/<int:plan_id>/items/new/", items.create, name="item_create"),
    path("plans/<int:plan_id>/sharing/", plans.sharing, name="sharing"),
    path("plans/<int:plan_id>/sharing/decide/", plans.decide_sharing, name="sharing_decide"),
    path("plans/<int:plan_id>/owners/", plans.turnover, name="turnover"),
    # Items
    path("items/<int:item_id>/", items.detail, name="item"),
    path("items/<int:item_id>/edit/", items.edit, name="item_edit"),
    path("items/<int:item_id>/update/", items.post_update, name="item_update"),
    path("items/<int:item_id>/sign-off/", items.sign_off, name="item_sign_off"),
    path("items/<int:item_id>/reopen/", items.reopen, name="item_reopen"),
    path("items/<int:item_id>/withdraw/", items.withdraw, name="item_withdraw"),
    path("items/<int:item_id>/comments/", items.comment, name="item_comment"),
    path("items/<int:item_id>/evidence/", items.attach, name="item_attach"),
    path("items/<int:item_id>/archive/", items.archive, name="item_archive"),
    path("evidence/<int:attachment_id>/", items.download, name="attachment"),
    # Adoption: a state's record, evidence, verification, the national matrix
    path("adoption/", adoption.matrix, name="adoption_matrix"),
    path("adoption/evidence/<int:adoption_id>/", adoption.evidence_download, name="adoption_evidence"),
    path("adoption/<str:code>/", adoption.state, name="adoption"),
    path("adoption/<str:code>/<int:recommendation_id>/", adoption.edit, name="adoption_edit"),
    path("adoption/<str:code>/<int:recommendation_id>/verify/", adoption.verify, name="adoption_verify"),
]
