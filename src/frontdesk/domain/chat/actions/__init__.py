"""Writes of the chat: channels, availability, starting, accepting, messages, members, tickets.

Each write is ``check_*`` (validate + authorise, no change) then ``do_*`` (change + events).
Actions never commit. Every stored chat event takes the chat's next ``seq`` inside the
transaction (``UPDATE chat SET last_seq = last_seq + 1 RETURNING``), so sequence numbers are
gap-free and a rollback takes its number back with it.

One module per sub-topic; this package re-exports every action, so callers import from
``frontdesk.domain.chat.actions`` as before.
"""

from frontdesk.domain.chat.actions.availability import NEVER as NEVER
from frontdesk.domain.chat.actions.availability import (
    check_set_active_channels as check_set_active_channels,
)
from frontdesk.domain.chat.actions.availability import (
    check_set_availability as check_set_availability,
)
from frontdesk.domain.chat.actions.availability import (
    do_note_agent_activity as do_note_agent_activity,
)
from frontdesk.domain.chat.actions.availability import (
    do_set_active_channels as do_set_active_channels,
)
from frontdesk.domain.chat.actions.availability import do_set_availability as do_set_availability
from frontdesk.domain.chat.actions.channels import (
    access_channel_for_admin as access_channel_for_admin,
)
from frontdesk.domain.chat.actions.channels import check_chat_enabled as check_chat_enabled
from frontdesk.domain.chat.actions.channels import check_create_channel as check_create_channel
from frontdesk.domain.chat.actions.channels import check_delete_channel as check_delete_channel
from frontdesk.domain.chat.actions.channels import check_update_channel as check_update_channel
from frontdesk.domain.chat.actions.channels import default_channel as default_channel
from frontdesk.domain.chat.actions.channels import do_create_channel as do_create_channel
from frontdesk.domain.chat.actions.channels import do_delete_channel as do_delete_channel
from frontdesk.domain.chat.actions.channels import do_update_channel as do_update_channel
from frontdesk.domain.chat.actions.channels import receives_chats as receives_chats
from frontdesk.domain.chat.actions.channels import starts_chats as starts_chats
from frontdesk.domain.chat.actions.event_log import WRITING_ROLES as WRITING_ROLES
from frontdesk.domain.chat.actions.event_log import Author as Author
from frontdesk.domain.chat.actions.event_log import append_event as append_event
from frontdesk.domain.chat.actions.event_log import chat_summary as chat_summary
from frontdesk.domain.chat.actions.event_log import public_agent_name as public_agent_name
from frontdesk.domain.chat.actions.event_log import request_audience as request_audience
from frontdesk.domain.chat.actions.event_log import requester_name_for as requester_name_for
from frontdesk.domain.chat.actions.housekeeping import (
    do_delete_expired_chats as do_delete_expired_chats,
)
from frontdesk.domain.chat.actions.lifecycle import check_change_channel as check_change_channel
from frontdesk.domain.chat.actions.lifecycle import check_close_chat as check_close_chat
from frontdesk.domain.chat.actions.lifecycle import do_change_channel as do_change_channel
from frontdesk.domain.chat.actions.lifecycle import do_close_chat as do_close_chat
from frontdesk.domain.chat.actions.membership import check_invite as check_invite
from frontdesk.domain.chat.actions.membership import check_join as check_join
from frontdesk.domain.chat.actions.membership import check_set_monitor as check_set_monitor
from frontdesk.domain.chat.actions.membership import do_invite as do_invite
from frontdesk.domain.chat.actions.membership import do_join as do_join
from frontdesk.domain.chat.actions.membership import do_set_monitor as do_set_monitor
from frontdesk.domain.chat.actions.messages import RATE_WINDOW as RATE_WINDOW
from frontdesk.domain.chat.actions.messages import MessageRequest as MessageRequest
from frontdesk.domain.chat.actions.messages import SentMessage as SentMessage
from frontdesk.domain.chat.actions.messages import StoredMessage as StoredMessage
from frontdesk.domain.chat.actions.messages import check_send_message as check_send_message
from frontdesk.domain.chat.actions.messages import check_typing as check_typing
from frontdesk.domain.chat.actions.messages import do_send_message as do_send_message
from frontdesk.domain.chat.actions.messages import do_send_message_batch as do_send_message_batch
from frontdesk.domain.chat.actions.messages import do_typing as do_typing
from frontdesk.domain.chat.actions.requests import ChatDraft as ChatDraft
from frontdesk.domain.chat.actions.requests import PublicChatDraft as PublicChatDraft
from frontdesk.domain.chat.actions.requests import check_accept_chat as check_accept_chat
from frontdesk.domain.chat.actions.requests import check_create_chat as check_create_chat
from frontdesk.domain.chat.actions.requests import (
    check_create_public_chat as check_create_public_chat,
)
from frontdesk.domain.chat.actions.requests import do_accept_chat as do_accept_chat
from frontdesk.domain.chat.actions.requests import do_create_chat as do_create_chat
from frontdesk.domain.chat.actions.requests import do_create_public_chat as do_create_public_chat
from frontdesk.domain.chat.actions.tickets import check_append_to_ticket as check_append_to_ticket
from frontdesk.domain.chat.actions.tickets import check_chat_to_my_ticket as check_chat_to_my_ticket
from frontdesk.domain.chat.actions.tickets import (
    check_chat_to_new_ticket as check_chat_to_new_ticket,
)
from frontdesk.domain.chat.actions.tickets import (
    check_create_phone_ticket as check_create_phone_ticket,
)
from frontdesk.domain.chat.actions.tickets import do_append_to_ticket as do_append_to_ticket
from frontdesk.domain.chat.actions.tickets import do_chat_to_my_ticket as do_chat_to_my_ticket
from frontdesk.domain.chat.actions.tickets import do_chat_to_new_ticket as do_chat_to_new_ticket
from frontdesk.domain.chat.actions.tickets import do_create_phone_ticket as do_create_phone_ticket
