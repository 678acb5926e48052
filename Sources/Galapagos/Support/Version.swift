/// The product's version, recorded in every run file.
public enum ProductVersion {
    public static let current = "0.1.0"
}
