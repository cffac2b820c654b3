package dev.persona.server.tls;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

class LocalCertificateAuthorityTest {

    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
    /** A machine with a host name and, besides a private address, one outside the private ranges. */
    private static final SubjectNames MACHINE = new SubjectNames(Set.of("localhost", "studio"),
            Set.of("127.0.0.1", "0:0:0:0:0:0:0:1", "192.168.1.20", "192.0.2.2"));
    private static final LocalCertificateAuthority CA = LocalCertificateAuthority.create("studio", MACHINE, NOW);

    @Test
    void theCaCarriesCriticalNameConstraintsForLocalNamesAndPrivateRanges() {
        X509Certificate ca = CA.certificate();
        assertTrue(ca.getCriticalExtensionOIDs().contains("2.5.29.30"), ca.getCriticalExtensionOIDs().toString());
        NameConstraints constraints = NameConstraints.getInstance(
                ASN1OctetString.getInstance(ca.getExtensionValue("2.5.29.30")).getOctets());
        List<String> permitted = Arrays.stream(constraints.getPermittedSubtrees()).map(GeneralSubtree::getBase)
                .map(Object::toString).toList();
        for (String name : List.of("2: localhost", "2: local", "2: studio", "7: #0a000000ff000000",
                "7: #ac100000fff00000", "7: #c0a80000ffff0000", "7: #7f000000ff000000", "7: #a9fe0000ffff0000",
                "7: #c0000202ffffffff")) {
            assertTrue(permitted.contains(name), name + " in " + permitted);
        }
        assertNull(constraints.getExcludedSubtrees());
    }

    @Test
    void pathValidationAcceptsTheHostsOwnCertificate() {
        X509Certificate server = CA.issueServerCertificate(MACHINE, NOW).certificate();
        SubjectNames mdns = new SubjectNames(Set.of("studio.local"), Set.of("10.1.2.3", "fd00:0:0:0:0:0:0:7",
                "fe80:0:0:0:0:0:0:1", "172.31.255.1", "169.254.3.4"));

        assertDoesNotThrow(() -> validate(server));
        assertDoesNotThrow(() -> validate(CA.issueServerCertificate(mdns, NOW).certificate()));
        assertNull(LocalCertificateAuthority.namesOutsideScope(CA.certificate(), server));
    }

    @Test
    void pathValidationRejectsCertificatesForPublicNamesFromTheSameCa() throws Exception {
        for (SubjectNames foreign : List.of(new SubjectNames(Set.of("evil.example"), Set.of()),
                new SubjectNames(Set.of(), Set.of("8.8.8.8")),
                new SubjectNames(Set.of(), Set.of("2001:4860:4860:0:0:0:0:8888")),
                new SubjectNames(Set.of("studio.evil.example"), Set.of()),
                new SubjectNames(Set.of("localhost"), Set.of("172.32.0.1")))) {
            X509Certificate forged = CA.issueServerCertificate(foreign, NOW).certificate();
            forged.verify(CA.certificate().getPublicKey());

            assertThrows(CertPathValidatorException.class, () -> validate(forged), foreign.toString());
            assertTrue(LocalCertificateAuthority.namesOutsideScope(CA.certificate(), forged) != null,
                    foreign.toString());
        }
        X509Certificate mixed = CA.issueServerCertificate(new SubjectNames(Set.of("localhost"),
                Set.of("127.0.0.1", "8.8.8.8")), NOW).certificate();
        assertEquals("8.8.8.8", LocalCertificateAuthority.namesOutsideScope(CA.certificate(), mixed));
    }

    /**
     * PKIX path validation as a client that applies its trust anchor's name constraints does (BouncyCastle's
     * validator, given them), and as the JDK's does with the CA certificate in the path (it ignores constraints on
     * a trust anchor itself).
     */
    private static void validate(X509Certificate server) throws Exception {
        X509Certificate ca = CA.certificate();
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        byte[] constraints = ASN1OctetString.getInstance(ca.getExtensionValue("2.5.29.30")).getOctets();
        PKIXParameters anchored = new PKIXParameters(Set.of(new TrustAnchor(ca, constraints)));
        anchored.setRevocationEnabled(false);
        anchored.setDate(java.util.Date.from(NOW));
        CertPathValidator.getInstance("PKIX", new BouncyCastleProvider())
                .validate(factory.generateCertPath(List.of(server)), anchored);
        PKIXParameters jdk = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        jdk.setRevocationEnabled(false);
        jdk.setDate(java.util.Date.from(NOW));
        CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(List.of(server, ca)), jdk);
    }
}
