"""Writes of accounts: logging in and out, and managing accounts and permissions.

Each write is ``check_*`` (validate + authorise, no change) then ``do_*`` (change + events).
Actions never commit; the caller's unit of work does.

One module per sub-topic; this package re-exports every public name, so callers import from
``frontdesk.domain.accounts.actions`` as before.
"""

from frontdesk.domain.accounts.actions.agents import (
    check_create_agent,
    check_delete_agent,
    check_update_agent,
    do_create_agent,
    do_delete_agent,
    do_update_agent,
)
from frontdesk.domain.accounts.actions.customer_companies import (
    check_create_customer_company,
    check_delete_customer_company,
    check_update_customer_company,
    do_create_customer_company,
    do_delete_customer_company,
    do_update_customer_company,
)
from frontdesk.domain.accounts.actions.customer_users import (
    check_create_customer_user,
    check_delete_customer_user,
    check_update_customer_user,
    do_create_customer_user,
    do_delete_customer_user,
    do_update_customer_user,
)
from frontdesk.domain.accounts.actions.groups import (
    check_create_group,
    check_delete_group,
    check_update_group,
    do_create_group,
    do_delete_group,
    do_update_group,
)
from frontdesk.domain.accounts.actions.own_account import (
    check_change_password,
    check_update_preferences,
    do_change_password,
    do_update_preferences,
)
from frontdesk.domain.accounts.actions.permissions import (
    check_add_role_member,
    check_customer_permission_names,
    check_permission_names,
    check_remove_role_member,
    check_set_agent_group_permissions,
    check_set_customer_user_group_permissions,
    check_set_role_group_permissions,
    do_add_role_member,
    do_remove_role_member,
    do_set_agent_group_permissions,
    do_set_customer_user_group_permissions,
    do_set_role_group_permissions,
)
from frontdesk.domain.accounts.actions.roles import (
    check_create_role,
    check_delete_role,
    check_update_role,
    do_create_role,
    do_delete_role,
    do_update_role,
)
from frontdesk.domain.accounts.actions.sessions import (
    ALL_ADDRESSES_FACTOR,
    check_login_allowed,
    do_delete_stale_login_data,
    do_issue_token,
    do_login,
    do_logout,
    do_record_failed_login,
    do_touch_session,
)

__all__ = [
    "ALL_ADDRESSES_FACTOR",
    "check_add_role_member",
    "check_change_password",
    "check_create_agent",
    "check_create_customer_company",
    "check_create_customer_user",
    "check_create_group",
    "check_create_role",
    "check_customer_permission_names",
    "check_delete_agent",
    "check_delete_customer_company",
    "check_delete_customer_user",
    "check_delete_group",
    "check_delete_role",
    "check_login_allowed",
    "check_permission_names",
    "check_remove_role_member",
    "check_set_agent_group_permissions",
    "check_set_customer_user_group_permissions",
    "check_set_role_group_permissions",
    "check_update_agent",
    "check_update_customer_company",
    "check_update_customer_user",
    "check_update_group",
    "check_update_preferences",
    "check_update_role",
    "do_add_role_member",
    "do_change_password",
    "do_create_agent",
    "do_create_customer_company",
    "do_create_customer_user",
    "do_create_group",
    "do_create_role",
    "do_delete_agent",
    "do_delete_customer_company",
    "do_delete_customer_user",
    "do_delete_group",
    "do_delete_role",
    "do_delete_stale_login_data",
    "do_issue_token",
    "do_login",
    "do_logout",
    "do_record_failed_login",
    "do_remove_role_member",
    "do_set_agent_group_permissions",
    "do_set_customer_user_group_permissions",
    "do_set_role_group_permissions",
    "do_touch_session",
    "do_update_agent",
    "do_update_customer_company",
    "do_update_customer_user",
    "do_update_group",
    "do_update_preferences",
    "do_update_role",
]
