"""Loading an article's e-mail source, for whoever may read the article."""

from __future__ import annotations

from email.parser import BytesHeaderParser
from email.policy import default as default_policy

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.domain.email.errors import MailSourceNotFound
from frontdesk.domain.email.models import ArticleMail
from frontdesk.domain.email.queries import mail_of_article
from frontdesk.domain.tickets.access import access_ticket_by_id
from frontdesk.domain.tickets.models import Article
from frontdesk.domain.tickets.schemas import MAX_ID


async def access_mail_source(
    session: AsyncSession, actor: Actor, ticket_id: int, article_id: int
) -> ArticleMail:
    """The stored mail of an article the actor may read (404 otherwise).

    A customer gets it only for an article visible to them, and never a source naming blind
    copies (a received message may carry a Bcc header its sender's program left in).
    """
    ticket = await access_ticket_by_id(session, actor, ticket_id)
    article = await session.get(Article, article_id) if 1 <= article_id <= MAX_ID else None
    if article is None or article.ticket_id != ticket.id:
        raise MailSourceNotFound()
    if actor.is_customer and not article.visible_for_customer:
        raise MailSourceNotFound()
    mail = await mail_of_article(session, article.id)
    if mail is None:
        raise MailSourceNotFound()
    if actor.is_customer and "Bcc" in BytesHeaderParser(policy=default_policy).parsebytes(mail.raw):
        raise MailSourceNotFound()
    return mail
