package dev.persona.web;

import java.util.logging.Logger;

import io.undertow.server.HttpHandler;
import io.undertow.servlet.ServletExtension;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.handlers.ServletRequestContext;
import io.undertow.util.StatusCodes;
import jakarta.servlet.ServletContext;

/**
 * The bound on request bodies ({@link RequestBodyLimit}, {@code persona.http.max.body.kib}, default 10 MiB,
 * WildFly's own {@code max-post-size}) where Undertow runs the application (WildFly): set on every request of this
 * application before anything else handles it, the login form's posts and every request of a stranger included;
 * the signed-in owner's model upload raises it for itself through {@link RequestBodyLimit#allow}, which calls the
 * {@link RequestBodyLimit#RAISE} this extension sets.
 *
 * <p>Why here and not in WildFly's {@code max-post-size}: Undertow compares a declared {@code Content-Length} with the
 * listener's {@code max-post-size} while it parses the request head, before any handler or the login check runs, and
 * answers a larger one with an empty 400 (HTTP/1.1) or a reset stream (HTTP/2). A limit that depends on who is
 * signed in therefore cannot live on the listener: {@code persona.cli} lifts the HTTPS listener's, and this extension
 * (an Undertow {@link ServletExtension}, registered in {@code META-INF/services}) sets the exchange's own limit, which
 * Undertow checks at the first read of the body, at the start of the deployment's handler chain. Undertow's handler
 * language ({@code undertow-handlers.conf}, CLI filters) has no handler that sets it.
 */
public final class UndertowBodyLimit implements ServletExtension {

    private static final Logger LOG = Logger.getLogger(UndertowBodyLimit.class.getName());

    @Override
    public void handleDeployment(DeploymentInfo deployment, ServletContext context) {
        long bytes = RequestBodyLimit.bytes(deployment.getClassLoader());
        deployment.addInitialHandlerChainWrapper(next -> bounded(next, bytes));
        context.setAttribute(RequestBodyLimit.RAISE, (RequestBodyLimit.Raise) (request, allowed) ->
                ServletRequestContext.requireCurrent().getExchange().setMaxEntitySize(allowed));
        LOG.info(() -> "Request bodies: at most " + bytes / 1024 + " KiB (" + RequestBodyLimit.MAX_BODY_KIB
                + "), except the signed-in owner's model uploads, which may be as large as the disk can hold.");
    }

    /**
     * Sets the exchange's limit; a declared length beyond it is answered at once with 413, unread (as WildFly's
     * {@code max-post-size} answered, with 400), and Undertow then closes the sender's connection.
     * Not for the model upload, which answers for itself once it knows who is asking (a stranger gets the login
     * page, and the limit stops the body from being read).
     */
    static HttpHandler bounded(HttpHandler next, long bytes) {
        return exchange -> {
            exchange.setMaxEntitySize(bytes);
            if (exchange.getRequestContentLength() > bytes
                    && !exchange.getRequestPath().equals(RequestBodyLimit.UPLOAD_PATH)) {
                exchange.setStatusCode(StatusCodes.REQUEST_ENTITY_TOO_LARGE);
                exchange.endExchange();
                return;
            }
            next.handleRequest(exchange);
        };
    }
}
