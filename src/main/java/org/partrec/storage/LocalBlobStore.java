package org.partrec.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.partrec.publish.BlobStore;

/**
 * Blobs as files under one folder (created as needed), name segments as subfolders. Moves are
 * atomic renames where the file system allows. Files are not forced to disk.
 */
public final class LocalBlobStore implements BlobStore {

    private final Path root;

    public LocalBlobStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public OutputStream create(String name) throws IOException {
        Path file = file(name);
        Files.createDirectories(file.getParent());
        return Files.newOutputStream(file);
    }

    @Override
    public InputStream open(String name) throws IOException {
        return Files.newInputStream(file(name));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        BlobStore.checkPrefix(prefix);
        Path dir = root.resolve(prefix.substring(0, prefix.lastIndexOf('/') + 1));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(this::name).filter(n -> n.startsWith(prefix)).toList();
        }
    }

    @Override
    public boolean delete(String name) throws IOException {
        return Files.deleteIfExists(file(name));
    }

    @Override
    public void move(String from, String to) throws IOException {
        Path source = file(from);
        Path target = file(to);
        Files.createDirectories(target.getParent());
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public String location(String name) {
        return file(name).toUri().toString();
    }

    @Override
    public String toString() {
        return "LocalBlobStore[" + root.toUri() + "]";
    }

    private Path file(String name) {
        return root.resolve(BlobStore.checkName(name));
    }

    private String name(Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }
}
