package dev.persona.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ErrorPageServletTest {

    @Test
    void everyStatusGetsItsNumberAndAReasonInWords() {
        for (int status : new int[] {400, 401, 403, 404, 405, 413, 415, 500, 503}) {
            String page = ErrorPageServlet.page(status);
            assertTrue(page.contains("<h1>" + status + "</h1>"), page);
            assertTrue(page.contains("<p>" + ErrorPageServlet.reason(status) + "</p>"), page);
        }
        assertEquals("This address does not take that kind of request.", ErrorPageServlet.reason(405));
        assertTrue(ErrorPageServlet.reason(502).contains("server log"));
    }
}
