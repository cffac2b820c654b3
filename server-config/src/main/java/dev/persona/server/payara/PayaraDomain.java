package dev.persona.server.payara;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import dev.persona.server.ConfigurationException;
import dev.persona.server.DataDirectory;
import dev.persona.server.tls.TlsMaterial;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Writes what changes from start to start into a Payara domain's {@code domain.xml}, as WildFly reads it from
 * {@code run/wildfly.properties} with {@code -P}: the launcher runs it after the bootstrap, on the domain that
 * {@code server-config/src/main/payara/persona.asadmin} prepared. From the bootstrap's properties it sets the
 * listeners' ports and addresses, the HTTPS listener's key store (the bootstrap's, TLS 1.3 and 1.2 with the suites
 * persona.cli names), the listeners' cookie and compression settings, the database pool's driver class and its
 * connection validation, every {@code persona.*} setting as a system property of
 * the server (MicroProfile Config reads them there), and the llama connector's settings, resolved from the
 * {@code ${property:default}} values of the RAR's {@code META-INF/ironjacamar.xml} exactly as WildFly resolves
 * them, so that both servers read one list.
 */
public final class PayaraDomain {

    /** The connector as Payara names a RAR inside the EAR: application#module. */
    static final String RESOURCE_ADAPTER = "persona#llama-connector";
    static final String DATABASE_POOL = "PersonaPool";

    private static final String TLS13_SUITES = "TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,"
            + "TLS_CHACHA20_POLY1305_SHA256";
    /**
     * persona.cli's TLS 1.2 filter in Java's names: forward-secret ECDHE with AEAD ciphers for the server's RSA key
     * (TlsMaterial; WildFly's OpenSSL provider takes no ECDSA key, and both servers read the same key store).
     */
    private static final String TLS12_SUITES = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,"
            + "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256";
    /** The console's static resources (stylesheets and scripts that Faces serves): nothing session-bound. */
    static final String COMPRESSED_TYPES = "text/css,text/javascript,application/javascript";
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^:}]+)(?::([^}]*))?}");

    private final Properties properties;

    public PayaraDomain(Properties properties) {
        this.properties = properties;
    }

    /** {@code PayaraDomain <domain.xml> <run/wildfly.properties> <persona.ear>}: rewrites domain.xml in place. */
    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: PayaraDomain <domain.xml> <server properties> <persona.ear>");
            System.exit(2);
        }
        try {
            Properties properties = new Properties();
            try (Reader in = Files.newBufferedReader(Path.of(args[1]), StandardCharsets.ISO_8859_1)) {
                properties.load(in);
            }
            Path domainXml = Path.of(args[0]);
            Document domain = parse(Files.readAllBytes(domainXml));
            new PayaraDomain(properties).apply(domain, ironJacamarOf(Path.of(args[2])));
            DataDirectory.writeSecretFile(domainXml, serialize(domain));
        } catch (IOException | ConfigurationException e) {
            System.err.println("persona: cannot prepare the Payara domain: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Applies the properties to the domain; {@code ironJacamar} is the connector's activation file. */
    public void apply(Document domain, Document ironJacamar) {
        Element server = only(domain.getDocumentElement(), "servers", "server");
        Element config = namedIn(domain.getDocumentElement(), "configs", "config", "server-config");
        setServerProperties(server, ironJacamar);
        Element network = child(config, "network-config");
        String bind = required("jboss.bind.address");
        listener(network, "http-listener-1", bind, required("jboss.http.port"));
        listener(network, "http-listener-2", bind, required("jboss.https.port"));
        listener(network, "admin-listener", "127.0.0.1", required("jboss.management.http.port"));
        Element protocols = child(network, "protocols");
        httpsKeyStore(named(protocols, "protocol", "http-listener-2"));
        for (String protocol : new String[] {"http-listener-1", "http-listener-2"}) {
            http(child(named(protocols, "protocol", protocol), "http"));
        }
        Element resources = child(domain.getDocumentElement(), "resources");
        Element pool = named(resources, "jdbc-connection-pool", DATABASE_POOL);
        String driver = required("persona.db.driver");
        pool.setAttribute("datasource-classname", switch (driver) {
            case "h2" -> "org.h2.jdbcx.JdbcDataSource";
            case "postgresql" -> "org.postgresql.ds.PGSimpleDataSource";
            default -> throw new ConfigurationException("unknown database driver " + driver);
        });
        // EclipseLink binds UUID values as text, which PostgreSQL refuses for its uuid
        // columns ("column is of type uuid but expression is of type character varying"): the driver sends text
        // parameters untyped, so that the server casts them to the column's type (pgjdbc's stringType). Hibernate on
        // WildFly binds UUIDs as uuid and needs no such setting.
        poolProperty(pool, "stringType", driver.equals("postgresql") ? "unspecified" : null);
        // WildFly's PersonaDS twin (persona.cli): each connection is checked with a query before the pool hands it
        // out, and a dead one is replaced. H2 closes the database at a write that failed (a full disk); its open
        // connections then fail every statement while JDBC 4's isValid still says true, and a new connection opens
        // the database again, so the host stores again once space is freed, without a restart. Payara's validators
        // for these drivers run SELECT '1' (H2) and SELECT 1 (PostgreSQL).
        pool.setAttribute("is-connection-validation-required", "true");
        pool.setAttribute("connection-validation-method", "custom-validation");
        pool.setAttribute("validation-classname", driver.equals("h2")
                ? "org.glassfish.api.jdbc.validation.H2ConnectionValidation"
                : "org.glassfish.api.jdbc.validation.PostgresConnectionValidation");
        setProperties(named(resources, "resource-adapter-config", RESOURCE_ADAPTER, "resource-adapter-name"),
                adapterSettings(ironJacamar));
    }

    /**
     * The adapter's settings (those outside its connection definition, whose settings glassfish-resources.xml
     * names), resolved as WildFly resolves ironjacamar.xml: the system property, else the default.
     */
    public Map<String, String> adapterSettings(Document ironJacamar) {
        Map<String, String> adapter = new LinkedHashMap<>();
        NodeList all = ironJacamar.getElementsByTagNameNS("*", "config-property");
        for (int i = 0; i < all.getLength(); i++) {
            Element property = (Element) all.item(i);
            if (!"connection-definition".equals(((Element) property.getParentNode()).getLocalName())) {
                adapter.put(property.getAttribute("name"), resolve(property.getTextContent().trim()));
            }
        }
        return adapter;
    }

    String resolve(String value) {
        Matcher expression = EXPRESSION.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (expression.find()) {
            String replacement = properties.getProperty(expression.group(1));
            if (replacement == null) {
                replacement = expression.group(2) == null ? expression.group() : expression.group(2);
            }
            expression.appendReplacement(resolved, Matcher.quoteReplacement(replacement));
        }
        return expression.appendTail(resolved).toString();
    }

    /**
     * Every {@code persona.*} setting, and the default of each connector setting that none gives: the EAR's
     * {@code META-INF/glassfish-resources.xml} names them as {@code ${persona.llama...}}, which Payara resolves
     * from system properties only, without defaults.
     */
    private void setServerProperties(Element server, Document ironJacamar) {
        Map<String, String> values = new java.util.TreeMap<>();
        NodeList all = ironJacamar.getElementsByTagNameNS("*", "config-property");
        for (int i = 0; i < all.getLength(); i++) {
            Matcher expression = EXPRESSION.matcher(all.item(i).getTextContent());
            while (expression.find()) {
                values.put(expression.group(1), expression.group(2) == null ? "" : expression.group(2));
            }
        }
        properties.stringPropertyNames().stream().filter(n -> n.startsWith("persona."))
                .forEach(name -> values.put(name, properties.getProperty(name)));
        removeChildren(server, "system-property");
        Node before = server.getFirstChild();
        values.forEach((name, value) -> {
            Element property = server.getOwnerDocument().createElement("system-property");
            property.setAttribute("name", name);
            property.setAttribute("value", value);
            server.insertBefore(property, before);
        });
    }

    private static void listener(Element network, String name, String address, String port) {
        Element listener = named(child(network, "network-listeners"), "network-listener", name);
        listener.setAttribute("address", address);
        listener.setAttribute("port", port);
    }

    /**
     * A listener's HTTP settings: the session cookie {@code SameSite=Strict} (WildFly: the {@code samesite-cookie}
     * handler of undertow-handlers.conf; Payara sets it on every cookie it writes, and the session's is the only
     * one the application sets), and compression of the console's static types only, as WildFly's gzip filter on
     * Faces resources: pages and REST answers carry session-bound tokens, and compressing those over TLS lets an
     * attacker guess them from the lengths (BREACH). Grizzly leaves a response that already names its encoding (the
     * phone page's precompressed files) as it is.
     */
    private static void http(Element http) {
        http.setAttribute("cookie-same-site-enabled", "true");
        http.setAttribute("cookie-same-site-value", "Strict");
        http.setAttribute("compression", "on");
        http.setAttribute("compressable-mime-type", COMPRESSED_TYPES);
    }

    private void httpsKeyStore(Element protocol) {
        Element ssl = child(protocol, "ssl");
        ssl.removeAttribute("classname");
        ssl.setAttribute("key-store", required("persona.tls.keystore"));
        ssl.setAttribute("key-store-type", "PKCS12");
        ssl.setAttribute("key-store-password", required("persona.tls.password"));
        ssl.setAttribute("cert-nickname", TlsMaterial.KEY_ALIAS);
        ssl.setAttribute("ssl3-enabled", "false");
        ssl.setAttribute("tls-enabled", "false");
        ssl.setAttribute("tls11-enabled", "false");
        ssl.setAttribute("tls12-enabled", "true");
        ssl.setAttribute("tls13-enabled", "true");
        ssl.setAttribute("ssl3-tls-ciphers", TLS13_SUITES + "," + TLS12_SUITES);
    }

    /** Sets one {@code property} of {@code owner}, or removes it where {@code value} is null; the others stay. */
    private static void poolProperty(Element owner, String name, String value) {
        removeChildren(owner, "property", property -> property.getAttribute("name").equals(name));
        if (value != null) {
            addProperty(owner, name, value);
        }
    }

    private static void setProperties(Element owner, Map<String, String> values) {
        removeChildren(owner, "property");
        values.forEach((name, value) -> addProperty(owner, name, value));
    }

    private static void addProperty(Element owner, String name, String value) {
        Element property = owner.getOwnerDocument().createElement("property");
        property.setAttribute("name", name);
        property.setAttribute("value", value);
        owner.appendChild(property);
    }

    private String required(String name) {
        String value = properties.getProperty(name);
        if (value == null) {
            throw new ConfigurationException("the server properties name no " + name + " (run the bootstrap first)");
        }
        return value;
    }

    private static void removeChildren(Element parent, String name) {
        removeChildren(parent, name, element -> true);
    }

    /** Removes the children of {@code parent} named {@code name} that {@code which} accepts. */
    private static void removeChildren(Element parent, String name, Predicate<Element> which) {
        for (Node node = parent.getFirstChild(); node != null; ) {
            Node next = node.getNextSibling();
            if (node instanceof Element element && element.getTagName().equals(name) && which.test(element)) {
                parent.removeChild(element);
            }
            node = next;
        }
    }

    private static Element child(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element;
            }
        }
        throw new ConfigurationException("domain.xml has no <" + name + "> in <" + parent.getTagName() + ">");
    }

    private static Element only(Element root, String container, String name) {
        return child(child(root, container), name);
    }

    private static Element namedIn(Element root, String container, String name, String value) {
        return named(child(root, container), name, value);
    }

    private static Element named(Element parent, String name, String value) {
        return named(parent, name, value, "name");
    }

    private static Element named(Element parent, String name, String value, String attribute) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)
                    && element.getAttribute(attribute).equals(value)) {
                return element;
            }
        }
        throw new ConfigurationException("domain.xml has no <" + name + " " + attribute + "=\"" + value + "\"> in <"
                + parent.getTagName() + "> (prepare the domain with server-config/src/main/payara/persona.asadmin)");
    }

    /** The connector's ironjacamar.xml, read from the RAR inside the EAR. */
    static Document ironJacamarOf(Path ear) throws IOException {
        try (ZipInputStream earEntries = new ZipInputStream(Files.newInputStream(ear))) {
            for (ZipEntry entry; (entry = earEntries.getNextEntry()) != null; ) {
                if (entry.getName().endsWith(".rar")) {
                    ZipInputStream rar = new ZipInputStream(earEntries);
                    for (ZipEntry inner; (inner = rar.getNextEntry()) != null; ) {
                        if (inner.getName().equals("META-INF/ironjacamar.xml")) {
                            return parse(rar.readAllBytes());
                        }
                    }
                }
            }
        }
        throw new ConfigurationException(ear + " holds no RAR with META-INF/ironjacamar.xml");
    }

    static Document parse(byte[] xml) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder builder = factory.newDocumentBuilder();
            try (InputStream in = new ByteArrayInputStream(xml)) {
                return builder.parse(in);
            }
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("unreadable XML: " + e.getMessage(), e);
        }
    }

    static byte[] serialize(Document document) throws IOException {
        try {
            Transformer transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            transformer.transform(new DOMSource(document), new StreamResult(out));
            return out.toByteArray();
        } catch (TransformerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
