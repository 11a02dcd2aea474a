"""The caseworker page (*klantmanagerscherm*): server-rendered Dutch HTML over the same services."""
