package dev.persona.server.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraintValidatorException;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.PKIXNameConstraintValidator;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The host's own certificate authority: an ECDSA P-256 key and a self-signed CA certificate that a phone installs
 * once, and the server certificates it issues. Validity periods follow what phones accept: the CA lasts ten
 * years; a server certificate 397 days (Apple refuses longer ones) and carries serverAuth and the SANs. A server
 * certificate's key is RSA 2048 ({@link #SERVER_KEY_ALGORITHM}): WildFly runs TLS on OpenSSL (wildfly-openssl), whose
 * server side takes RSA keys only, and OpenSSL signs a handshake with it in about 0.25 ms where the JDK's pure-Java
 * ECDSA P-256 took several times that (docs/signaling.md, "Inside WildFly").
 *
 * <p>The CA can vouch only for what a host on a home network serves: its certificate carries critical name
 * constraints (RFC 5280, 4.2.1.10) that permit the host's own names and addresses, {@code localhost}, names under
 * {@code .local} and the private, loopback and link-local address ranges, so that its key, if it leaked, could
 * not impersonate a public website to the phones that trust it.
 */
public final class LocalCertificateAuthority {

    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** Names every host may serve under: itself and multicast DNS ({@code name.local}). */
    static final List<String> PERMITTED_DNS = List.of("localhost", "local");
    /** Loopback, private (RFC 1918, RFC 4193) and link-local ranges, as address/prefix. */
    static final List<String> PERMITTED_RANGES = List.of("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12",
            "192.168.0.0/16", "169.254.0.0/16", "::1/128", "fc00::/7", "fe80::/10");
    static final Duration SERVER_VALIDITY = Duration.ofDays(397);
    private static final String SIGNATURE = "SHA256withECDSA";
    /** The server certificate's key: RSA of {@link #SERVER_KEY_BITS} bits. */
    public static final String SERVER_KEY_ALGORITHM = "RSA";
    static final int SERVER_KEY_BITS = 2048;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair keyPair;
    private final X509Certificate certificate;

    public LocalCertificateAuthority(KeyPair keyPair, X509Certificate certificate) {
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    /** Whether a CA certificate carries name constraints (older Persona versions made CAs without them). */
    public static boolean isNameConstrained(X509Certificate ca) {
        return ca.getExtensionValue(Extension.nameConstraints.getId()) != null;
    }

    /**
     * The names a CA for this machine may vouch for: {@link #PERMITTED_DNS}, {@link #PERMITTED_RANGES}, and the
     * machine's own names and addresses (a host name, or an address outside those ranges, would be refused else).
     */
    static NameConstraints scopeOf(SubjectNames machine) {
        Set<String> dns = new LinkedHashSet<>(PERMITTED_DNS);
        dns.addAll(machine.dnsNames());
        List<GeneralSubtree> permitted = new ArrayList<>();
        dns.forEach(name -> permitted.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, name))));
        PERMITTED_RANGES.forEach(range -> permitted.add(new GeneralSubtree(new GeneralName(GeneralName.iPAddress,
                range))));
        PKIXNameConstraintValidator ranges = new PKIXNameConstraintValidator();
        ranges.intersectPermittedSubtree(permitted.toArray(GeneralSubtree[]::new));
        for (String ip : machine.ipAddresses()) {
            GeneralName address = new GeneralName(GeneralName.iPAddress, ip);
            if (!permits(ranges, address)) {
                permitted.add(new GeneralSubtree(new GeneralName(GeneralName.iPAddress,
                        ip + (ip.contains(":") ? "/128" : "/32"))));
            }
        }
        return new NameConstraints(permitted.toArray(GeneralSubtree[]::new), null);
    }

    /**
     * The names and addresses of a server certificate that the CA's name constraints do not permit (phones that
     * apply them refuse the certificate), comma-separated; null when all are permitted or the CA has none.
     */
    public static String namesOutsideScope(X509Certificate ca, X509Certificate server) {
        byte[] extension = ca.getExtensionValue(Extension.nameConstraints.getId());
        if (extension == null) {
            return null;
        }
        PKIXNameConstraintValidator scope = new PKIXNameConstraintValidator();
        scope.intersectPermittedSubtree(NameConstraints.getInstance(
                ASN1OctetString.getInstance(extension).getOctets()).getPermittedSubtrees());
        SubjectNames covered = TlsMaterial.coveredNames(server);
        List<String> outside = new ArrayList<>();
        covered.dnsNames().stream().filter(name -> !permits(scope, new GeneralName(GeneralName.dNSName, name)))
                .forEach(outside::add);
        covered.ipAddresses().stream().filter(ip -> !permits(scope, new GeneralName(GeneralName.iPAddress, ip)))
                .forEach(outside::add);
        return outside.isEmpty() ? null : String.join(", ", outside);
    }

    private static boolean permits(PKIXNameConstraintValidator scope, GeneralName name) {
        try {
            scope.checkPermitted(name);
            return true;
        } catch (NameConstraintValidatorException e) {
            return false;
        }
    }

    /**
     * Creates a new CA named after the machine, valid from now, that may vouch only for the machine's names and
     * addresses and the local ones ({@link #scopeOf}).
     */
    public static LocalCertificateAuthority create(String machineName, SubjectNames machine, Instant now) {
        KeyPair keys = newKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Persona")
                .addRDN(BCStyle.CN, "Persona local CA (" + machineName + ") " + now.getEpochSecond())
                .build();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(CA_VALIDITY)), subject,
                    keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(Extension.nameConstraints, true, scopeOf(machine))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
            return new LocalCertificateAuthority(keys, sign(builder, keys.getPrivate()));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("Could not create the local certificate authority", e);
        }
    }

    /** Issues a server certificate for the given names with a new key pair. */
    public IssuedCertificate issueServerCertificate(SubjectNames names, Instant now) {
        KeyPair keys = newServerKeyPair();
        List<GeneralName> sans = new ArrayList<>();
        names.dnsNames().forEach(dns -> sans.add(new GeneralName(GeneralName.dNSName, dns)));
        names.ipAddresses().forEach(ip -> sans.add(new GeneralName(GeneralName.iPAddress, ip)));
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Persona")
                .addRDN(BCStyle.CN, names.dnsNames().stream().filter(n -> !n.equals("localhost")).findFirst()
                        .orElse("localhost"))
                .build();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            Instant notAfter = now.plus(SERVER_VALIDITY);
            if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
                notAfter = certificate.getNotAfter().toInstant();
            }
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(notAfter), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(sans.toArray(GeneralName[]::new)))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(certificate));
            return new IssuedCertificate(keys.getPrivate(), sign(builder, keyPair.getPrivate()));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("Could not issue the server certificate", e);
        }
    }

    /** A private key and the certificate issued for it. */
    public record IssuedCertificate(PrivateKey privateKey, X509Certificate certificate) {
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM cannot make EC P-256 keys", e);
        }
    }

    private static KeyPair newServerKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(SERVER_KEY_ALGORITHM);
            generator.initialize(SERVER_KEY_BITS, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM cannot make RSA keys", e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }
}
