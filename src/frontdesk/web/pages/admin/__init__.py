"""HTML pages of the admin interface (/admin): lists, add/edit forms and permission matrices.

Every screen is described once (``AdminScreen``: its form, its list columns, the domain calls it
makes) and served by the same few routes. The domain decides what is allowed and valid; a page
turns its refusal into an inline message with the error's status code, and writes nothing.

``screen`` says how a screen is described, ``screens`` and ``matrices`` describe them,
``plumbing`` renders them, ``screen_pages`` and ``matrix_pages`` hold the routes on ``router``.
"""

from frontdesk.web.pages.admin import dynamic_field_pages as dynamic_field_pages
from frontdesk.web.pages.admin import matrix_pages as matrix_pages
from frontdesk.web.pages.admin import template_attachment_pages as template_attachment_pages
from frontdesk.web.pages.admin.choices import ALL as ALL
from frontdesk.web.pages.admin.matrices import MATRICES as MATRICES
from frontdesk.web.pages.admin.matrices import MatrixRow as MatrixRow
from frontdesk.web.pages.admin.matrices import MatrixRows as MatrixRows
from frontdesk.web.pages.admin.matrices import PermissionMatrix as PermissionMatrix
from frontdesk.web.pages.admin.plumbing import AdminPage as AdminPage
from frontdesk.web.pages.admin.plumbing import AdminVisitor as AdminVisitor
from frontdesk.web.pages.admin.plumbing import admin_visitor as admin_visitor
from frontdesk.web.pages.admin.router import router as router
from frontdesk.web.pages.admin.screen import COMMENT_FIELD as COMMENT_FIELD
from frontdesk.web.pages.admin.screen import VALID_COLUMN as VALID_COLUMN
from frontdesk.web.pages.admin.screen import AdminScreen as AdminScreen
from frontdesk.web.pages.admin.screen import Choices as Choices
from frontdesk.web.pages.admin.screen import ListColumn as ListColumn
from frontdesk.web.pages.admin.screen_pages import add as add
from frontdesk.web.pages.admin.screen_pages import add_form as add_form
from frontdesk.web.pages.admin.screen_pages import admin_list as admin_list
from frontdesk.web.pages.admin.screen_pages import delete as delete
from frontdesk.web.pages.admin.screen_pages import edit as edit
from frontdesk.web.pages.admin.screen_pages import edit_form as edit_form
from frontdesk.web.pages.admin.screen_pages import overview as overview
from frontdesk.web.pages.admin.screen_pages import set_validity as set_validity
from frontdesk.web.pages.admin.screens import NAME_FIELD as NAME_FIELD
from frontdesk.web.pages.admin.screens import SCREENS as SCREENS
